# Chapter: the dynamic computation graph.
# Pages: docs/zh/computation-graph.md, docs/en/computation-graph.md

# --8<-- [start:data]
import numpy as np
import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

# The course's data set: a = 1, b = 2, 100 points, 80 for training.
rng = np.random.default_rng(42)
x = rng.uniform(0, 1, size=(100, 1))
y = 1 + 2 * x + 0.1 * rng.standard_normal(size=(100, 1))
idx = rng.permutation(100)
train_idx, val_idx = idx[:80], idx[80:]

x_train = torch.from_numpy(x[train_idx]).float().to(device)
y_train = torch.from_numpy(y[train_idx]).float().to(device)
print(x_train.shape, y_train.shape, "| requires grad:", x_train.requires_grad)
# --8<-- [end:data]

# --8<-- [start:parameters]
torch.manual_seed(42)
a = torch.randn(1, requires_grad=True, device=device)
b = torch.randn(1, requires_grad=True, device=device)
print(a, b)
# --8<-- [end:parameters]

# --8<-- [start:forward]
yhat = a + b * x_train
error = yhat - y_train
loss = (error**2).mean()

print("grad_fn:", yhat.grad_fn.name(), error.grad_fn.name(),
      loss.grad_fn.name())
print("grad_fn of a and of x_train:", a.grad_fn, x_train.grad_fn)
print("grad_fn of loss > 0.5:", (loss > 0.5).grad_fn)
# --8<-- [end:forward]

# --8<-- [start:graph-yhat]
from torchviz import make_dot

make_dot(yhat, params={"a": a, "b": b})
# --8<-- [end:graph-yhat]

# --8<-- [start:graph-error]
make_dot(error, params={"a": a, "b": b})
# --8<-- [end:graph-error]

# --8<-- [start:graph-loss]
make_dot(loss, params={"a": a, "b": b})
# --8<-- [end:graph-loss]

# --8<-- [start:next-functions]
def show_graph(fn, params, depth=0):
    if fn is None:
        print("    " * depth + "None")
        return
    label = type(fn).__name__
    if hasattr(fn, "variable"):  # an AccumulateGrad node holds its leaf
        name = next(n for n, p in params.items() if p is fn.variable)
        label += " -> " + name
    print("    " * depth + label)
    for next_fn, _ in fn.next_functions:
        show_graph(next_fn, params, depth + 1)


show_graph(loss.grad_fn, {"a": a, "b": b})
# --8<-- [end:next-functions]

# --8<-- [start:graph-no-grad]
a_fixed = torch.randn(1, device=device)  # requires_grad=False by default
yhat_fixed = a_fixed + b * x_train
print("requires grad:", a_fixed.requires_grad, b.requires_grad,
      yhat_fixed.requires_grad)
make_dot(yhat_fixed, params={"b": b})
# --8<-- [end:graph-no-grad]

# --8<-- [start:no-grad-context]
with torch.no_grad():
    yhat_plain = a + b * x_train
print("requires grad:", yhat_plain.requires_grad,
      "| grad_fn:", yhat_plain.grad_fn)
# --8<-- [end:no-grad-context]

# --8<-- [start:branch-far]
def branchy_loss(a, b):
    loss = ((a + b * x_train - y_train) ** 2).mean()
    if loss > 0.5:  # plain Python decides what enters the graph
        loss = loss + (b * x_train).abs().mean()
    return loss


a_far = torch.tensor([0.0], requires_grad=True, device=device)
b_far = torch.tensor([0.0], requires_grad=True, device=device)
loss_far = branchy_loss(a_far, b_far)
print(f"a = 0, b = 0: loss = {loss_far.item():.4f}")
make_dot(loss_far, params={"a": a_far, "b": b_far})
# --8<-- [end:branch-far]

# --8<-- [start:branch-near]
a_near = torch.tensor([1.0], requires_grad=True, device=device)
b_near = torch.tensor([2.0], requires_grad=True, device=device)
loss_near = branchy_loss(a_near, b_near)
print(f"a = 1, b = 2: loss = {loss_near.item():.4f}")
make_dot(loss_near, params={"a": a_near, "b": b_near})
# --8<-- [end:branch-near]

# --8<-- [start:detach]
bx = b * x_train
bx_cut = bx.detach()
print("requires grad:", bx_cut.requires_grad, "| grad_fn:", bx_cut.grad_fn,
      "| leaf:", bx_cut.is_leaf)
print("shares memory with b * x_train:", bx_cut.data_ptr() == bx.data_ptr())

loss_cut = ((a + bx_cut - y_train) ** 2).mean()
loss_cut.backward()
print(f"loss: {loss_cut.item():.4f} (without detach: {loss.item():.4f})")
print("a.grad:", a.grad, "| b.grad:", b.grad)
make_dot(loss_cut, params={"a": a, "b": b})
# --8<-- [end:detach]

# --8<-- [start:detach-numpy]
try:
    yhat.numpy()
except (RuntimeError, TypeError) as err:
    print(f"{type(err).__name__}:", err)

yhat_np = yhat.detach().cpu().numpy()
print(type(yhat_np).__name__, yhat_np.shape, yhat_np[:3, 0].round(4))
# --8<-- [end:detach-numpy]

# --8<-- [start:backward-twice]
loss = ((a + b * x_train - y_train) ** 2).mean()
square = loss.grad_fn.next_functions[0][0]
print("before backward():", square.name(), "saved a tensor of shape",
      tuple(square._saved_self.shape))
loss.backward()
print("after backward(): ", loss.grad_fn.name(), "->", square.name(), "->",
      square.next_functions[0][0].name())
try:
    loss.backward()
except RuntimeError as err:
    print("RuntimeError:", err)
# --8<-- [end:backward-twice]

# --8<-- [start:retain-graph]
a.grad = None  # start again from empty gradients
b.grad = None

loss = ((a + b * x_train - y_train) ** 2).mean()
loss.backward(retain_graph=True)
print("after one backward: ", a.grad, b.grad)
loss.backward()
print("after two backwards:", a.grad, b.grad)
# --8<-- [end:retain-graph]

# --8<-- [start:exercise-loop-graph]
h = x_train
for _ in range(3):
    h = h * b
out = (a + h).mean()

show_graph(out.grad_fn, {"a": a, "b": b})
make_dot(out, params={"a": a, "b": b})
# --8<-- [end:exercise-loop-graph]

# --8<-- [start:exercise-detach]
a.grad = None
b.grad = None
loss = ((a + b * x_train - y_train) ** 2).mean()
loss.backward()
b_grad_full = b.grad.clone()

a.grad = None
b.grad = None
loss = ((a.detach() + b * x_train - y_train) ** 2).mean()
loss.backward()
print("a.grad:", a.grad, "| b.grad:", b.grad)
print("same b.grad as without detach:", torch.allclose(b.grad, b_grad_full))
# --8<-- [end:exercise-detach]

# --8<-- [start:exercise-two-losses]
def two_losses():
    a.grad = None
    b.grad = None
    yhat = a + b * x_train
    return ((yhat - y_train) ** 2).mean(), (yhat - y_train).abs().mean()


mse, mae = two_losses()
mse.backward()
try:
    mae.backward()
except RuntimeError as err:
    print("RuntimeError:", err)

mse, mae = two_losses()
(mse + mae).backward()
print("backward of mse + mae:      ", a.grad, b.grad)

mse, mae = two_losses()
mse.backward(retain_graph=True)
mae.backward()
print("retain_graph, two backwards:", a.grad, b.grad)
# --8<-- [end:exercise-two-losses]

# Chapter: autograd and the dynamic computation graph.
# Pages: docs/zh/autograd.md, docs/en/autograd.md

# --8<-- [start:data]
import numpy as np
import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

# The same data as the previous chapter: a = 1, b = 2, 100 points, 80 for training.
rng = np.random.default_rng(42)
x = rng.uniform(0, 1, size=(100, 1))
y = 1 + 2 * x + 0.1 * rng.standard_normal(size=(100, 1))
train_idx = rng.permutation(100)[:80]

x_train = torch.from_numpy(x[train_idx]).float().to(device)
y_train = torch.from_numpy(y[train_idx]).float().to(device)
print(x_train.shape, x_train.dtype, x_train.device)
# --8<-- [end:data]

# --8<-- [start:parameters]
torch.manual_seed(42)
a = torch.randn(1, requires_grad=True, device=device)
b = torch.randn(1, requires_grad=True, device=device)
print(a, b)
print("leaf tensors:", a.is_leaf, b.is_leaf, "| gradients so far:", a.grad, b.grad)
# --8<-- [end:parameters]

# --8<-- [start:backward]
yhat = a + b * x_train
error = yhat - y_train
loss = (error**2).mean()
loss.backward()

print("autograd:", a.grad, b.grad)
with torch.no_grad():
    print("by hand: ", 2 * error.mean(), 2 * (x_train * error).mean())
# --8<-- [end:backward]

# --8<-- [start:accumulate]
loss = ((a + b * x_train - y_train) ** 2).mean()
loss.backward()
print("after a second backward():", a.grad, b.grad)
# --8<-- [end:accumulate]

# --8<-- [start:train]
lr = 0.1
a.grad.zero_()
b.grad.zero_()

for epoch in range(1000):
    yhat = a + b * x_train
    loss = ((yhat - y_train) ** 2).mean()
    loss.backward()

    with torch.no_grad():
        a -= lr * a.grad
        b -= lr * b.grad

    a.grad.zero_()
    b.grad.zero_()

print(a, b)
print(f"loss: {loss.item():.6f}")
# --8<-- [end:train]

# --8<-- [start:mistake-rebind]
torch.manual_seed(42)
a = torch.randn(1, requires_grad=True, device=device)
b = torch.randn(1, requires_grad=True, device=device)

loss = ((a + b * x_train - y_train) ** 2).mean()
loss.backward()
a = a - lr * a.grad  # a new tensor, computed from the old a: no longer a leaf
print(a, "| leaf:", a.is_leaf)

try:
    a.grad.zero_()
except AttributeError as err:
    print("AttributeError:", err)
# --8<-- [end:mistake-rebind]

# --8<-- [start:mistake-inplace]
torch.manual_seed(42)
a = torch.randn(1, requires_grad=True, device=device)
b = torch.randn(1, requires_grad=True, device=device)

loss = ((a + b * x_train - y_train) ** 2).mean()
loss.backward()
try:
    a -= lr * a.grad
except RuntimeError as err:
    print("RuntimeError:", err)
# --8<-- [end:mistake-inplace]

# --8<-- [start:graph-setup]
from torchviz import make_dot

torch.manual_seed(42)
a = torch.randn(1, requires_grad=True, device=device)
b = torch.randn(1, requires_grad=True, device=device)

yhat = a + b * x_train
error = yhat - y_train
loss = (error**2).mean()
# --8<-- [end:graph-setup]

# --8<-- [start:graph-yhat]
make_dot(yhat, params={"a": a, "b": b})
# --8<-- [end:graph-yhat]

# --8<-- [start:graph-error]
make_dot(error, params={"a": a, "b": b})
# --8<-- [end:graph-error]

# --8<-- [start:graph-loss]
make_dot(loss, params={"a": a, "b": b})
# --8<-- [end:graph-loss]

# --8<-- [start:graph-no-grad]
a_fixed = torch.randn(1, device=device)  # requires_grad is False by default
yhat = a_fixed + b * x_train
print("requires grad:", a_fixed.requires_grad, b.requires_grad, yhat.requires_grad)
make_dot(yhat, params={"b": b})
# --8<-- [end:graph-no-grad]

# --8<-- [start:graph-control-flow]
yhat = a + b * x_train
loss = ((yhat - y_train) ** 2).mean()
if loss > 0.5:  # plain Python decides, on this run's value, which operations enter the graph
    loss = loss + (b * x_train).abs().mean()
print(f"loss = {loss.item():.4f}")
make_dot(loss, params={"a": a, "b": b})
# --8<-- [end:graph-control-flow]

# Chapter: parameters and autograd.
# Pages: docs/zh/autograd.md, docs/en/autograd.md

# --8<-- [start:data]
import numpy as np
import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

# The data of the first chapter: a = 1, b = 2, 100 points, 80 for training.
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
print("leaf tensors:", a.is_leaf, b.is_leaf,
      "| gradients so far:", a.grad, b.grad)
# --8<-- [end:parameters]

# --8<-- [start:to-device-pitfall]
torch.manual_seed(42)
moved = torch.randn(1, requires_grad=True).to(device)
print("after .to(device):", moved, "| leaf:", moved.is_leaf)
# --8<-- [end:to-device-pitfall]

# --8<-- [start:to-device-copy]
copy = moved.to(torch.float64)  # a real copy, as .to("cuda") makes on a GPU
print("the copy:", copy, "| leaf:", copy.is_leaf)

loss = ((copy * x_train - y_train) ** 2).mean()
loss.backward()
try:
    with torch.no_grad():
        copy -= 0.1 * copy.grad
except TypeError as err:
    print("TypeError:", err)
try:
    torch.optim.SGD([copy], lr=0.1)
except ValueError as err:
    print("ValueError:", err)
# --8<-- [end:to-device-copy]

# --8<-- [start:requires-grad-in-place]
late = torch.randn(1).to(device)
late.requires_grad_()
print("requires_grad_() afterwards:", late, "| leaf:", late.is_leaf)
# --8<-- [end:requires-grad-in-place]

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

# --8<-- [start:data-vs-detach]
w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)

out = w.sigmoid()
out.data.zero_()  # changes out behind autograd's back
out.sum().backward()
print("after changing .data:", w.grad)

w.grad = None
out = w.sigmoid()
out.detach().zero_()  # shares the data, but autograd notices the change
try:
    out.sum().backward()
except RuntimeError as err:
    print("RuntimeError:", err)

w.grad = None
out = w.sigmoid()
out.detach().numpy()[:] = 0  # NumPy writes past the version counter
out.sum().backward()
print("after writing via NumPy:", w.grad)

with torch.no_grad():
    sig = w.sigmoid()
    print("the right gradient:   ", sig * (1 - sig))
# --8<-- [end:data-vs-detach]

# --8<-- [start:exercise-forget-zero]
torch.manual_seed(42)
a = torch.randn(1, requires_grad=True, device=device)
b = torch.randn(1, requires_grad=True, device=device)

for epoch in range(100):
    loss = ((a + b * x_train - y_train) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        a -= lr * a.grad
        b -= lr * b.grad
    if epoch < 13 or epoch == 99:
        print(f"epoch {epoch:2}: loss {loss.item():.3f}, "
              f"a.grad {a.grad.item():+.3f}, a {a.item():+.3f}")
# --8<-- [end:exercise-forget-zero]

# --8<-- [start:exercise-leaves]
yhat = a + b * x_train
loss = ((yhat - y_train) ** 2).mean()
tensors = {"a": a, "x_train": x_train, "yhat": yhat, "loss": loss}
for name, t in tensors.items():
    grad_fn = type(t.grad_fn).__name__ if t.grad_fn else None
    print(f"{name:>7}: requires_grad={t.requires_grad!s:5}  "
          f"is_leaf={t.is_leaf!s:5}  grad_fn={grad_fn}")
# --8<-- [end:exercise-leaves]

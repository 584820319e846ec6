# Chapter: tensors, dtypes, NumPy interop and devices.
# Pages: docs/zh/tensors.md, docs/en/tensors.md

# --8<-- [start:dimensions]
import numpy as np
import torch

torch.manual_seed(42)
scalar = torch.tensor(3.5)
vector = torch.tensor([1.0, 2.0, 3.0])
matrix = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
image = torch.rand(3, 64, 64)  # an RGB image: channels, height, width

examples = {"scalar": scalar, "vector": vector, "matrix": matrix,
            "image": image}
for name, t in examples.items():
    print(f"{name:>6}: dim() = {t.dim()}, ndim = {t.ndim}, "
          f"shape = {t.shape}, dtype = {t.dtype}")
print(matrix)
# --8<-- [end:dimensions]

# --8<-- [start:dtypes]
arr = np.array([1.0, 2.0, 3.0])
print("np.array of floats:    ", arr.dtype)
print("torch.tensor of floats:", torch.tensor([1.0, 2.0, 3.0]).dtype)
print("torch.tensor of ints:  ", torch.tensor([1, 2, 3]).dtype)
print("torch.from_numpy(arr): ", torch.from_numpy(arr).dtype)
print("... .float():          ", torch.from_numpy(arr).float().dtype)
print("bytes per element:", torch.from_numpy(arr).element_size(),
      "vs", vector.element_size())
# --8<-- [end:dtypes]

# --8<-- [start:dtype-mismatch]
weights = torch.tensor([[2.0]])  # float32, like a model's parameters
column = torch.from_numpy(np.ones((3, 1)))  # float64, straight from NumPy
try:
    column @ weights
except RuntimeError as err:
    print("RuntimeError:", err)
print((column.float() @ weights).dtype)
# --8<-- [end:dtype-mismatch]

# --8<-- [start:type-promotion]
v32 = torch.ones(3)
v64 = torch.ones(3, dtype=torch.float64)
one64 = torch.ones(1, dtype=torch.float64)
zero_dim64 = torch.tensor(2.0, dtype=torch.float64)
ints = torch.tensor([1, 2, 3])

print("float64 (3,) * float32 (3,):", (v64 * v32).dtype)
print("float64 (1,) * float32 (3,):", (one64 * v32).dtype)
print("float64 ()   * float32 (3,):", (zero_dim64 * v32).dtype)
print("Python float * float32 (3,):", (2.0 * v32).dtype)
print("float64 ()   * int64   (3,):", (zero_dim64 * ints).dtype)
# --8<-- [end:type-promotion]

# --8<-- [start:shared-memory]
arr = np.array([1.0, 2.0, 3.0])
shared = torch.from_numpy(arr)
arr[0] = 100.0  # change the array...
print("tensor:", shared)  # ...and the tensor sees it

back = shared.numpy()
back[1] = -1.0  # change the array we got back...
print("array: ", arr)  # ...and the original array changes too
# --8<-- [end:shared-memory]

# --8<-- [start:copy-or-share]
arr = np.array([1.0, 2.0, 3.0])
conversions = {
    "torch.tensor(arr)": torch.tensor(arr),
    "torch.as_tensor(arr)": torch.as_tensor(arr),
    "torch.as_tensor(arr, dtype=float32)":
        torch.as_tensor(arr, dtype=torch.float32),
    "torch.from_numpy(arr).float()": torch.from_numpy(arr).float(),
}
arr[0] = 100.0
for name, t in conversions.items():
    verdict = "shares memory" if t[0] == 100.0 else "copy"
    print(f"{name:<36} first element {t[0].item():5.1f} -> {verdict}")
# --8<-- [end:copy-or-share]

# --8<-- [start:make-data]
rng = np.random.default_rng(42)
x = rng.uniform(0, 1, size=(100, 1))
y = 1 + 2 * x + 0.1 * rng.standard_normal(size=(100, 1))
idx = rng.permutation(100)
train_idx, val_idx = idx[:80], idx[80:]

x_train = torch.from_numpy(x[train_idx]).float()
y_train = torch.from_numpy(y[train_idx]).float()
print(x_train.shape, x_train.dtype, "|", y_train.shape, y_train.dtype)
# --8<-- [end:make-data]

# --8<-- [start:elementwise-vs-matmul]
print("x_train * x_train:", (x_train * x_train).shape)

X = torch.cat([torch.ones(80, 1), x_train], dim=1)  # a column of ones, then x
w = torch.tensor([[1.0], [2.0]])  # intercept a = 1, slope b = 2
print("X @ w:", X.shape, "@", w.shape, "->", (X @ w).shape)
print("X @ w equals 1 + 2 * x_train:", torch.allclose(X @ w, 1 + 2 * x_train))
# --8<-- [end:elementwise-vs-matmul]

# --8<-- [start:matmul-error]
try:
    x_train @ x_train
except RuntimeError as err:
    print("RuntimeError:", err)
print("x_train.T @ x_train:", (x_train.T @ x_train).shape)
# --8<-- [end:matmul-error]

# --8<-- [start:broadcasting]
a = torch.tensor([1.0])  # shape (1,)
print("(80, 1) with (1,):  ", (a + 2 * x_train).shape)
row = torch.tensor([10.0, 20.0, 30.0])  # shape (3,)
print("(80, 1) with (3,):  ", (x_train + row).shape)

y_flat = y_train.squeeze(1)  # shape (80,): the column dimension is gone
wrong = (1 + 2 * x_train - y_flat) ** 2
right = (1 + 2 * x_train - y_train) ** 2
print("(80, 1) with (80,): ", wrong.shape)
print(f"MSE: right {right.mean().item():.4f}, "
      f"wrong {wrong.mean().item():.4f}")
# --8<-- [end:broadcasting]

# --8<-- [start:choose-device]
device = "cuda" if torch.cuda.is_available() else "cpu"
x_dev = x_train.to(device)
y_dev = y_train.to(device)

print("device:", device)
print("x_train:", x_train.device, x_train.type())
print("x_dev:  ", x_dev.device, x_dev.type())
print("x_dev is x_train:", x_dev is x_train)
# --8<-- [end:choose-device]

# --8<-- [start:mixing-devices]
try:
    print("x_train + x_dev:", (x_train + x_dev).shape)
except RuntimeError as err:
    print("RuntimeError:", err)
print("x_dev + y_dev:  ", (x_dev + y_dev).shape, (x_dev + y_dev).device)
print("x_dev * torch.tensor(2.0):", (x_dev * torch.tensor(2.0)).device)
# --8<-- [end:mixing-devices]

# --8<-- [start:device-to-numpy]
try:
    arr = x_dev.numpy()
    print("x_dev.numpy() works:", type(arr).__name__, arr.shape, arr.dtype)
except TypeError as err:
    print("TypeError:", err)

arr = x_dev.cpu().numpy()
print("x_dev.cpu().numpy():", type(arr).__name__, arr.shape, arr.dtype)
# --8<-- [end:device-to-numpy]

# --8<-- [start:grad-to-numpy]
torch.manual_seed(42)
b = torch.randn(3, requires_grad=True, device=device)
try:
    b.numpy()
except (RuntimeError, TypeError) as err:
    print(f"{type(err).__name__}:", err)

print("b.detach().cpu().numpy():", b.detach().cpu().numpy().round(4))
with torch.no_grad():  # nothing is recorded here
    print("b.cpu().numpy() under no_grad:", b.cpu().numpy().round(4))
# --8<-- [end:grad-to-numpy]

# --8<-- [start:item]
loss = ((1 + 2 * x_dev - y_dev) ** 2).mean()
print("loss.shape:", loss.shape, "| loss.dim():", loss.dim())
value = loss.item()
print(f"loss.item(): {value:.4f} ({type(value).__name__})")
try:
    x_dev.item()
except RuntimeError as err:
    print("RuntimeError:", err)
# --8<-- [end:item]

# --8<-- [start:exercise-shapes]
channel_scale = torch.tensor([0.5, 1.0, 2.0]).reshape(3, 1, 1)
cases = {
    "X.T @ X": lambda: X.T @ X,
    "x_train @ w.T": lambda: x_train @ w.T,
    "x_train - x_train.squeeze(1)": lambda: x_train - x_train.squeeze(1),
    "image * channel_scale": lambda: image * channel_scale,
    "image * torch.ones(3)": lambda: image * torch.ones(3),
    "X @ X": lambda: X @ X,
}
for expression, compute in cases.items():
    try:
        print(f"{expression:<30} -> {tuple(compute().shape)}")
    except RuntimeError as err:
        print(f"{expression:<30} -> RuntimeError: {err}")
# --8<-- [end:exercise-shapes]

# --8<-- [start:exercise-to-numpy]
def to_numpy(t):
    return t.detach().cpu().numpy()


torch.manual_seed(42)
params = torch.randn(3, requires_grad=True, device=device)
values = to_numpy(params)
print(type(values).__name__, values.dtype, values.round(4))

values[0] = 0.0
print("params after changing the array:", params)
print("shares memory with params:",
      np.shares_memory(values, to_numpy(params)))
# --8<-- [end:exercise-to-numpy]

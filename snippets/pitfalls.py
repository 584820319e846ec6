# Chapter: the pitfall checklist; each pitfall reproduced in a few lines.
# Pages: docs/zh/pitfalls.md, docs/en/pitfalls.md

# --8<-- [start:setup]
import torch
import torch.nn as nn
import torch.optim as optim

device = "cuda" if torch.cuda.is_available() else "cpu"
torch.manual_seed(42)
x = torch.rand(80, 1, device=device)
y = 1 + 2 * x
print("device:", device)
# --8<-- [end:setup]

# --8<-- [start:dtype-mismatch]
x64 = torch.rand(80, 1, dtype=torch.float64, device=device)
w = torch.ones(1, 1, device=device)
try:
    x64 @ w
except RuntimeError as err:
    print("RuntimeError:", err)
# --8<-- [end:dtype-mismatch]

# --8<-- [start:matmul-shapes]
try:
    x @ x
except RuntimeError as err:
    print("RuntimeError:", err)
print("x.T @ x works:", (x.T @ x).shape)
# --8<-- [end:matmul-shapes]

# --8<-- [start:mixed-devices]
cpu_tensor = torch.ones(80, 1)
try:
    print("sum on", (x + cpu_tensor).device)
except RuntimeError as err:
    print("RuntimeError:", err)
# --8<-- [end:mixed-devices]

# --8<-- [start:numpy-on-gpu]
try:
    print("numpy() worked:", x.numpy()[:2].ravel())
except TypeError as err:
    print("TypeError:", err)
print(".cpu().numpy() works everywhere:", x.cpu().numpy()[:2].ravel())
# --8<-- [end:numpy-on-gpu]

# --8<-- [start:numpy-requires-grad]
a = torch.zeros(1, requires_grad=True)
try:
    a.numpy()
except RuntimeError as err:
    print("RuntimeError:", err)
print(".detach().cpu().numpy():", a.detach().cpu().numpy())
# --8<-- [end:numpy-requires-grad]

# --8<-- [start:to-device-after-requires-grad]
moved = torch.randn(1, requires_grad=True).to(device)
print("moved to", device, "| leaf:", moved.is_leaf)

copy = moved.to(torch.float64)  # a copy, as .to("cuda") makes on a GPU
print("a copy | leaf:", copy.is_leaf, "| grad_fn:", copy.grad_fn.name())
((copy * x - y) ** 2).mean().backward()
try:
    with torch.no_grad():
        copy -= 0.1 * copy.grad
except TypeError as err:
    print("TypeError:", err)
try:
    optim.SGD([copy], lr=0.1)
except ValueError as err:
    print("ValueError:", err)

right = torch.randn(1, requires_grad=True, device=device)
print("created on the device | leaf:", right.is_leaf)
# --8<-- [end:to-device-after-requires-grad]

# --8<-- [start:rebinding]
b = torch.randn(1, requires_grad=True, device=device)
((b * x - y) ** 2).mean().backward()
b = b - 0.1 * b.grad
try:
    b.grad.zero_()
except AttributeError as err:
    print("AttributeError:", err)
# --8<-- [end:rebinding]

# --8<-- [start:in-place-leaf]
b = torch.randn(1, requires_grad=True, device=device)
((b * x - y) ** 2).mean().backward()
try:
    b -= 0.1 * b.grad
except RuntimeError as err:
    print("RuntimeError:", err)
with torch.no_grad():
    b -= 0.1 * b.grad
print("under no_grad() it works; b is still a leaf:", b.is_leaf)
# --8<-- [end:in-place-leaf]

# --8<-- [start:gradients-accumulate]
b = torch.ones(1, requires_grad=True, device=device)
for _ in range(3):
    ((b * x - y) ** 2).mean().backward()
    print(f"b.grad after another backward(): {b.grad.item():.4f}")
# --8<-- [end:gradients-accumulate]

# --8<-- [start:data-bypasses-autograd]
w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
out = w.sigmoid()
out.data.zero_()
out.sum().backward()
print("silently wrong gradient:", w.grad)
# --8<-- [end:data-bypasses-autograd]

# --8<-- [start:backward-twice]
b = torch.ones(1, requires_grad=True, device=device)
loss = ((b * x - y) ** 2).mean()
loss.backward()
try:
    loss.backward()
except RuntimeError as err:
    print("RuntimeError:", err)
# --8<-- [end:backward-twice]

# --8<-- [start:zero-grad-none]
b = torch.ones(1, requires_grad=True, device=device)
optimizer = optim.SGD([b], lr=0.1)
((b * x - y) ** 2).mean().backward()
optimizer.zero_grad()
print("after zero_grad():", b.grad)
try:
    b.grad.zero_()
except AttributeError as err:
    print("AttributeError:", err)
# --8<-- [end:zero-grad-none]

# --8<-- [start:learning-rate-too-large]
b = torch.zeros(1, requires_grad=True, device=device)
optimizer = optim.SGD([b], lr=5.0)
for epoch in range(1, 61):
    loss = ((b * x - y) ** 2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch in (1, 10, 20, 40, 60):
        print(f"epoch {epoch:2}: loss = {loss.item():.4g}")
# --8<-- [end:learning-rate-too-large]

# --8<-- [start:loss-shapes]
y_flat = y.squeeze(1)
prediction = 1 + 2 * x
print("right:", nn.MSELoss()(prediction, y).item())
print("wrong:", round(nn.MSELoss()(prediction, y_flat).item(), 4))
# --8<-- [end:loss-shapes]

# --8<-- [start:missing-super-init]
class Broken(nn.Module):
    def __init__(self):
        self.a = nn.Parameter(torch.zeros(1))


try:
    Broken()
except AttributeError as err:
    print("AttributeError:", err)
# --8<-- [end:missing-super-init]

# --8<-- [start:plain-tensor-attribute]
class HalfRegistered(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Parameter(torch.zeros(1))
        self.b = torch.zeros(1, requires_grad=True)  # not registered


names = [name for name, _ in HalfRegistered().named_parameters()]
print("parameters:", names)
# --8<-- [end:plain-tensor-attribute]

# --8<-- [start:forward-skips-hooks]
def hook(module, inputs, output):
    print("  hook ran")


layer = nn.Linear(1, 1).to(device)
layer.register_forward_hook(hook)
print("layer(x):")
_ = layer(x)
print("layer.forward(x):")
_ = layer.forward(x)
# --8<-- [end:forward-skips-hooks]

# --8<-- [start:forgot-eval]
model = nn.Sequential(nn.Linear(1, 8), nn.Dropout(0.5), nn.Linear(8, 1))
model = model.to(device)
with torch.no_grad():
    twice = [round(model(x[:1]).item(), 4) for _ in range(2)]
    print("train mode, twice:", twice)
    model.eval()
    twice = [round(model(x[:1]).item(), 4) for _ in range(2)]
    print("eval mode, twice: ", twice)
# --8<-- [end:forgot-eval]

# --8<-- [start:state-dict-shares-memory]
import copy

layer = nn.Linear(1, 1)
saved = layer.state_dict()
kept = copy.deepcopy(layer.state_dict())
with torch.no_grad():
    layer.bias += 1
print("state_dict() taken before the change:", saved["bias"])
print("deepcopy taken before the change:    ", kept["bias"])
# --8<-- [end:state-dict-shares-memory]

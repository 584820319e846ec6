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


# --8<-- [start:view-after-transpose]
m = torch.arange(6.0, device=device).reshape(2, 3)
try:
    m.T.view(6)
except RuntimeError as err:
    print("RuntimeError:", err)
print("m.T.reshape(6):", m.T.reshape(6).tolist())
# --8<-- [end:view-after-transpose]

# --8<-- [start:reduce-without-keepdim]
scores = torch.arange(12.0, device=device).reshape(3, 4)
try:
    scores - scores.mean(dim=1)
except RuntimeError as err:
    print("RuntimeError:", err)
square = torch.arange(9.0, device=device).reshape(3, 3)
wrong = square - square.mean(dim=1)
right = square - square.mean(dim=1, keepdim=True)
print("row means, no keepdim:  ", wrong.mean(dim=1).tolist())
print("row means, keepdim=True:", right.mean(dim=1).tolist())
# --8<-- [end:reduce-without-keepdim]
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


# --8<-- [start:backward-non-scalar]
b = torch.ones(1, requires_grad=True, device=device)
losses = nn.MSELoss(reduction="none")(b * x, y)
print("losses:", tuple(losses.shape))
try:
    losses.backward()
except RuntimeError as err:
    print("RuntimeError:", err)
losses.mean().backward()
print(f"after .mean(): b.grad = {b.grad.item():.4f}")
# --8<-- [end:backward-non-scalar]

# --8<-- [start:integer-requires-grad]
try:
    torch.tensor([1, 2], requires_grad=True, device=device)
except RuntimeError as err:
    print("RuntimeError:", err)
w = torch.tensor([1.0, 2.0], requires_grad=True, device=device)
print("1.0, 2.0:", w.dtype, "| requires_grad:", w.requires_grad)
# --8<-- [end:integer-requires-grad]

# --8<-- [start:no-graph-to-backward]
b = torch.ones(1, requires_grad=True, device=device)
with torch.no_grad():
    loss = ((b * x - y) ** 2).mean()
try:
    loss.backward()
except RuntimeError as err:
    print("RuntimeError:", err)

(slope,) = torch.autograd.grad(((b * x - y) ** 2).mean(), b)
try:
    torch.autograd.grad(slope, b)
except RuntimeError as err:
    print("RuntimeError:", err)
loss = ((b * x - y) ** 2).mean()
(slope,) = torch.autograd.grad(loss, b, create_graph=True)
(curvature,) = torch.autograd.grad(slope, b)
print(f"with create_graph=True: {curvature.item():.4f}")
# --8<-- [end:no-graph-to-backward]

# --8<-- [start:inference-tensor-later]
with torch.inference_mode():
    x_scaled = (x - x.mean()) / x.std()
layer = nn.Linear(1, 1).to(device)
try:
    layer(x_scaled)
except RuntimeError as err:
    print("RuntimeError:", err)
print("with clone():", layer(x_scaled.clone()).grad_fn.name())
# --8<-- [end:inference-tensor-later]
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


# --8<-- [start:constant-init]
for start in ("default", 0.0, 0.5):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(1, 8), nn.ReLU(), nn.Linear(8, 1))
    net = net.to(device)
    if start != "default":
        with torch.no_grad():
            for param in net.parameters():
                param.fill_(start)
    optimizer = optim.SGD(net.parameters(), lr=0.1)
    for _ in range(50):
        loss = ((net(x) - y) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    first = [round(v, 4) for v in net[0].weight[:4, 0].tolist()]
    print(f"start {start!s:7}: first-layer weights {first}")
# --8<-- [end:constant-init]

# --8<-- [start:dead-relu]
torch.manual_seed(6)
net = nn.Sequential(nn.Linear(1, 4), nn.ReLU(), nn.Linear(4, 1)).to(device)
with torch.no_grad():
    net[0].bias[:2] = -5.0  # x lies in [0, 1): these units output 0
hidden = net[1](net[0](x))
print("always 0:    ", (hidden == 0).all(dim=0).tolist())
((net(x) - y) ** 2).mean().backward()
print("gradient = 0:", (net[0].weight.grad == 0).flatten().tolist())
# --8<-- [end:dead-relu]

# --8<-- [start:cross-entropy-targets]
logits = torch.randn(4, 3, device=device)
labels = torch.tensor([0, 2, 1, 2], device=device)
loss_fn = nn.CrossEntropyLoss()
wrong_targets = {
    "float (N,)": labels.float(),
    "one-hot int64 (N, C)": nn.functional.one_hot(labels, num_classes=3),
    "int64 (N, 1)": labels.unsqueeze(1),
}
for name, target in wrong_targets.items():
    try:
        loss_fn(logits, target)
    except RuntimeError as err:
        print(f"{name}: RuntimeError:", err)
print(f"int64 (N,): loss {loss_fn(logits, labels).item():.4f}")
# --8<-- [end:cross-entropy-targets]

# --8<-- [start:softmax-before-cross-entropy]
target = torch.tensor([1], device=device)
for name, z in [("right", [[0.0, 10.0, 0.0]]), ("wrong", [[10.0, 0.0, 0.0]])]:
    z = torch.tensor(z, device=device)
    on_logits = loss_fn(z, target).item()
    softmax_first = loss_fn(torch.softmax(z, dim=1), target).item()
    print(f"confident and {name}: logits {on_logits:.4f}, "
          f"softmax first {softmax_first:.4f}")
# --8<-- [end:softmax-before-cross-entropy]

# --8<-- [start:sigmoid-then-bce]
target = torch.zeros(1, device=device)
for name in ["sigmoid + BCELoss", "BCEWithLogitsLoss"]:
    z = torch.tensor([20.0], requires_grad=True, device=device)
    if name == "sigmoid + BCELoss":
        loss = nn.BCELoss()(torch.sigmoid(z), target)
    else:
        loss = nn.BCEWithLogitsLoss()(z, target)
    loss.backward()
    print(f"{name:>17}: loss {loss.item():.4f}, "
          f"gradient {z.grad.item():.4f}")
# --8<-- [end:sigmoid-then-bce]

# --8<-- [start:bce-target-shape]
logits = torch.randn(5, 1, device=device)  # one logit per example
is_three = torch.tensor([1.0, 0.0, 0.0, 1.0, 0.0], device=device)
try:
    nn.BCEWithLogitsLoss()(logits, is_three)
except ValueError as err:
    print("ValueError:", err)
loss = nn.BCEWithLogitsLoss()(logits, is_three.unsqueeze(1))
print(f"target (5, 1): loss {loss.item():.4f}")
# --8<-- [end:bce-target-shape]

# --8<-- [start:loader-rng-not-restored]
from torch.utils.data import DataLoader, TensorDataset


def make_loader():
    return DataLoader(TensorDataset(torch.arange(8)), batch_size=4,
                      shuffle=True,
                      generator=torch.Generator().manual_seed(0))


def order(loader):
    return [i for (batch,) in loader for i in batch.tolist()]


loader = make_loader()
print("epoch 1:                ", order(loader))
saved = loader.generator.get_state()  # what a checkpoint should keep
print("epoch 2:                ", order(loader))
resumed = make_loader()
print("new loader, epoch 2:    ", order(resumed))
resumed.generator.set_state(saved)
print("state restored, epoch 2:", order(resumed))
# --8<-- [end:loader-rng-not-restored]

# --8<-- [start:device-compared-with-string]
for choice in ("cuda", torch.device("cuda")):
    print(repr(choice), "== 'cuda':", choice == "cuda",
          "| torch.device(...).type:", torch.device(choice).type)
# --8<-- [end:device-compared-with-string]

# --8<-- [start:pin-memory-without-accelerator]
data = TensorDataset(x.cpu(), y.cpu())
xb, yb = next(iter(DataLoader(data, batch_size=40, pin_memory=True)))
print("pinned:", xb.is_pinned())
on_cuda = torch.device(device).type == "cuda"
loader = DataLoader(data, batch_size=40, pin_memory=on_cuda)
xb, yb = next(iter(loader))
print("pinned:", xb.is_pinned())
# --8<-- [end:pin-memory-without-accelerator]

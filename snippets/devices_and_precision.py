# Chapter: devices and precision: device-agnostic code, moving models and
# optimizer state, pinned memory, mixed precision, CPU vs CUDA outputs.
# Pages: docs/zh/devices-and-precision.md, docs/en/devices-and-precision.md

# --8<-- [start:choose-device]
import torch
import torch.nn.functional as F
from torch import nn

print("torch.accelerator.is_available():",
      torch.accelerator.is_available())
print("torch.accelerator.current_accelerator():",
      torch.accelerator.current_accelerator())
print("torch.cuda.is_available():", torch.cuda.is_available())
print("torch.backends.mps.is_available():",
      torch.backends.mps.is_available())
print("CUDA version of this build:", torch.version.cuda)

if torch.accelerator.is_available():
    device = torch.accelerator.current_accelerator()
else:
    device = torch.device("cpu")
print("device:", device, "| device.type:", device.type)
# --8<-- [end:choose-device]

# --8<-- [start:device-without-accelerator-api]
def pick_device():
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


print("pick_device():", pick_device(), "| same as device:",
      pick_device() == device)
# --8<-- [end:device-without-accelerator-api]

# --8<-- [start:data-and-model]
torch.manual_seed(0)
X_cpu = torch.randn(512, 20)
y_cpu = (X_cpu @ torch.randn(20, 3)).argmax(dim=1)
X, y = X_cpu.to(device), y_cpu.to(device)


def make_model():
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 3))


model = make_model()
weight_before = model[0].weight
model.to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)

print("data:", tuple(X.shape), X.device, "| labels:", y[:8].tolist())
print("same Parameter object after .to():",
      model[0].weight is weight_before)
print("weight:", model[0].weight.device, model[0].weight.dtype,
      "| leaf:", model[0].weight.is_leaf)
print("optimizer holds it:",
      optimizer.param_groups[0]["params"][0] is model[0].weight)
# --8<-- [end:data-and-model]

# --8<-- [start:optimizer-state]
for step in range(3):
    loss = F.cross_entropy(model(X), y)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()

for name, value in optimizer.state[model[0].weight].items():
    print(f"{name:10} {str(value.dtype):14} {str(value.device):6} "
          f"shape {tuple(value.shape)}")
# --8<-- [end:optimizer-state]

# --8<-- [start:checkpoint-map-location]
import io

buffer = io.BytesIO()
torch.save({"model": model.state_dict(),
            "optimizer": optimizer.state_dict()}, buffer)
buffer.seek(0)
checkpoint = torch.load(buffer, map_location=device)
print("loaded weight on:", checkpoint["model"]["0.weight"].device)

new_model = make_model().to(device)
new_optimizer = torch.optim.Adam(new_model.parameters(), lr=0.01)
new_model.load_state_dict(checkpoint["model"])
new_optimizer.load_state_dict(checkpoint["optimizer"])
for name, value in new_optimizer.state[new_model[0].weight].items():
    print(f"{name:10} {str(value.dtype):14} {value.device}")
print("same weights:", torch.equal(new_model[0].weight, model[0].weight))
# --8<-- [end:checkpoint-map-location]

# --8<-- [start:state-follows-params]
model64 = make_model().to(device, torch.float64)
optimizer64 = torch.optim.Adam(model64.parameters(), lr=0.01)
optimizer64.load_state_dict(optimizer.state_dict())

print("parameter:", model64[0].weight.dtype, model64[0].weight.device)
for name, value in optimizer64.state[model64[0].weight].items():
    print(f"{name:10} {str(value.dtype):14} {value.device}")
# --8<-- [end:state-follows-params]

# --8<-- [start:pin-memory]
from torch.utils.data import DataLoader, TensorDataset

loader = DataLoader(TensorDataset(X_cpu, y_cpu), batch_size=128,
                    pin_memory=True)
xb, yb = next(iter(loader))
print("batch in pinned memory:", xb.is_pinned())
xb = xb.to(device, non_blocking=True)
yb = yb.to(device, non_blocking=True)
print("batch on:", xb.device)

try:
    print("pinned copy:", torch.ones(3).pin_memory().is_pinned())
except RuntimeError as err:
    print("RuntimeError:", err)
# --8<-- [end:pin-memory]

# --8<-- [start:float-formats]
for dtype in (torch.float32, torch.float16, torch.bfloat16):
    info = torch.finfo(dtype)
    print(f"{str(dtype):15} max {info.max:<11.6g} smallest normal "
          f"{info.tiny:<9.4g} eps {info.eps:.4g}")

big = torch.tensor(70000.0)
print("70000 in float16: ", big.to(torch.float16).item(),
      "| in bfloat16:", big.to(torch.bfloat16).item())
for dtype in (torch.float16, torch.bfloat16):
    total = torch.tensor(256.0, dtype=dtype) + 1
    print(f"256 + 1 in {dtype}: {total.item()}")
# --8<-- [end:float-formats]

# --8<-- [start:autocast-dtypes]
model = make_model().to(device)
xb, yb = X[:8], y[:8]

with torch.autocast(device_type=device.type, dtype=torch.bfloat16):
    hidden = model[0](xb)
    logits = model(xb)
    probs = logits.softmax(dim=1)
    loss = F.cross_entropy(logits, yb)
loss.backward()

print("input:       ", xb.dtype)
print("linear out:  ", hidden.dtype)
print("logits:      ", logits.dtype)
print("softmax:     ", probs.dtype)
print("loss:        ", loss.dtype)
print("weight:      ", model[0].weight.dtype)
print("weight.grad: ", model[0].weight.grad.dtype)
model.zero_grad()
# --8<-- [end:autocast-dtypes]

# --8<-- [start:autocast-error]
with torch.no_grad():
    full = model(X)
    with torch.autocast(device_type=device.type, dtype=torch.bfloat16):
        low = model(X)

difference = (low.float() - full).abs().max().item()
print(f"largest |logit|:            {full.abs().max().item():.4f}")
print(f"largest bfloat16 - float32: {difference:.4f}")
print("same predicted class:",
      (low.argmax(dim=1) == full.argmax(dim=1)).sum().item(), "of",
      len(X))
# --8<-- [end:autocast-error]

# --8<-- [start:amp-training]
use_scaler = device.type == "cuda"
amp_dtype = torch.float16 if use_scaler else torch.bfloat16
print(f"path: autocast on {device.type} to {amp_dtype},",
      "with GradScaler" if use_scaler else "no GradScaler")


def train(amp, steps=60):
    model = make_model().to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    scaler = torch.amp.GradScaler(device.type, enabled=amp and use_scaler)
    losses = {}
    for step in range(1, steps + 1):
        with torch.autocast(device.type, dtype=amp_dtype, enabled=amp):
            loss = F.cross_entropy(model(X), y)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
        optimizer.zero_grad()
        losses[step] = loss.item()
    return model, losses


model32, losses32 = train(amp=False)
model_amp, losses_amp = train(amp=True)
for step in (1, 20, 40, 60):
    print(f"step {step:3}: float32 loss {losses32[step]:.4f}, "
          f"autocast loss {losses_amp[step]:.4f}")
print("parameters after autocast training:", model_amp[0].weight.dtype)
# --8<-- [end:amp-training]

# --8<-- [start:random-streams]
torch.manual_seed(0)
print("drawn on the device:   ", torch.randn(3, device=device))
torch.manual_seed(0)
print("drawn on the CPU, moved:", torch.randn(3).to(device))
# --8<-- [end:random-streams]

# --8<-- [start:summation-order]
a = torch.tensor([1e8, 1.0, -1e8, 1.0], device=device)
print("((1e8 + 1) - 1e8) + 1 =", (((a[0] + a[1]) + a[2]) + a[3]).item())
print("(1e8 - 1e8) + (1 + 1) =", ((a[0] + a[2]) + (a[1] + a[3])).item())

torch.manual_seed(0)
v = torch.rand(1_000_000).to(device)
rows = v.view(1000, 1000).sum(dim=1)
print(f"sum in one pass:      {v.sum().item():.4f}")
print(f"row sums, then total: {rows.sum().item():.4f}")
print(f"in float64:           {v.double().sum().item():.4f}")
# --8<-- [end:summation-order]

# --8<-- [start:tf32-settings]
matmul = torch.backends.cuda.matmul
print("backends.fp32_precision:   ", torch.backends.fp32_precision)
print("cuda.matmul.fp32_precision:", matmul.fp32_precision)
print("cudnn.conv.fp32_precision: ",
      torch.backends.cudnn.conv.fp32_precision)
print("old flags: matmul.allow_tf32 =", matmul.allow_tf32,
      "| cudnn.allow_tf32 =", torch.backends.cudnn.allow_tf32)

matmul.fp32_precision = "tf32"
try:
    print(matmul.allow_tf32)
except RuntimeError as err:
    print("RuntimeError:", err)
matmul.fp32_precision = "none"
print("back to:", matmul.fp32_precision, "| allow_tf32 =", matmul.allow_tf32)
# --8<-- [end:tf32-settings]

# --8<-- [start:deterministic-mode]
print("deterministic algorithms:",
      torch.are_deterministic_algorithms_enabled())
print("cudnn.benchmark:", torch.backends.cudnn.benchmark,
      "| cudnn.deterministic:", torch.backends.cudnn.deterministic)

target = torch.zeros(4, device=device)
index = torch.tensor([0, 0], device=device)
values = torch.tensor([1.0, 2.0], device=device)
torch.use_deterministic_algorithms(True)
try:
    target.put_(index, values)
except RuntimeError as err:
    print("RuntimeError:", err)
finally:
    torch.use_deterministic_algorithms(False)
print("with accumulate=True:", target.put_(index, values, accumulate=True))
# --8<-- [end:deterministic-mode]

# --8<-- [start:exercise-loss-scaling]
grads = torch.tensor([1e-3, 1e-6, 1e-8])
tiniest = torch.tensor(2.0 ** -24).to(torch.float16).item()
print("smallest float16 > 0:", tiniest)
print("float16:           ", grads.to(torch.float16).tolist())
scale = 2.0 ** 16
scaled = (grads * scale).to(torch.float16)
print("scaled, float16:   ", scaled.tolist())
print("unscaled, float32: ", (scaled.float() / scale).tolist())
# --8<-- [end:exercise-loss-scaling]

# --8<-- [start:exercise-running-total]
ones = torch.ones(1000, dtype=torch.bfloat16)
total = torch.zeros((), dtype=torch.bfloat16)
for value in ones:
    total = total + value
print("bfloat16 running total:", total.item())

total32 = torch.zeros((), dtype=torch.float32)
for value in ones:
    total32 = total32 + value
print("float32 running total: ", total32.item())
print("one sum() call:        ", ones.sum().item())
# --8<-- [end:exercise-running-total]

# --8<-- [start:exercise-optimizer-first]
early_model = make_model()
early_optimizer = torch.optim.Adam(early_model.parameters(), lr=0.01)
early_model.to(device, torch.float64)
weight = early_model[0].weight
print("optimizer holds the model's weight:",
      early_optimizer.param_groups[0]["params"][0] is weight)

before = weight.detach().clone()
F.cross_entropy(early_model(X.double()), y).backward()
early_optimizer.step()
early_optimizer.zero_grad()
print("weight changed:", not torch.equal(before, weight))
print("exp_avg:", early_optimizer.state[weight]["exp_avg"].dtype)

early_model.float()
F.cross_entropy(early_model(X), y).backward()
try:
    early_optimizer.step()
except RuntimeError as err:
    print("RuntimeError:", err)
# --8<-- [end:exercise-optimizer-first]

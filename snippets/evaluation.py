# Chapter: evaluation, loss curves, saving and loading checkpoints.
# Pages: docs/zh/evaluation.md, docs/en/evaluation.md

# --8<-- [start:make-loaders]
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

device = "cuda" if torch.cuda.is_available() else "cpu"

rng = np.random.default_rng(42)
x = rng.uniform(0, 1, size=(100, 1))
y = 1 + 2 * x + 0.1 * rng.standard_normal(size=(100, 1))
idx = rng.permutation(100)
train_idx, val_idx = idx[:80], idx[80:]

x_tensor = torch.from_numpy(x).float()
y_tensor = torch.from_numpy(y).float()
train_data = TensorDataset(x_tensor[train_idx], y_tensor[train_idx])
val_data = TensorDataset(x_tensor[val_idx], y_tensor[val_idx])

train_loader = DataLoader(train_data, batch_size=16, shuffle=True,
                          generator=torch.Generator().manual_seed(42))
val_loader = DataLoader(val_data, batch_size=16)

print("training:", len(train_data), "points,", len(train_loader), "batches")
print("validation:", len(val_data), "points, batch sizes",
      [len(xb) for xb, _ in val_loader])
# --8<-- [end:make-loaders]

# --8<-- [start:make-model]
torch.manual_seed(42)
model = nn.Linear(1, 1).to(device)
loss_fn = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

print(model.state_dict())
# --8<-- [end:make-model]

# --8<-- [start:dropout-modes]
torch.manual_seed(42)
dropout = nn.Dropout(p=0.5)
ones = torch.ones(8, device=device)

print("training mode: ", dropout.training, dropout(ones))
dropout.eval()
print("evaluation mode:", dropout.training, dropout(ones))
# --8<-- [end:dropout-modes]

# --8<-- [start:eval-vs-no-grad]
xb, yb = next(iter(val_loader))
xb, yb = xb.to(device), yb.to(device)

model.eval()
loss = loss_fn(model(xb), yb)
print(f"eval() only:    requires_grad={loss.requires_grad}, "
      f"has grad_fn={loss.grad_fn is not None}")

with torch.no_grad():
    loss = loss_fn(model(xb), yb)
print(f"eval + no_grad: requires_grad={loss.requires_grad}, "
      f"has grad_fn={loss.grad_fn is not None}")

dropout.train()
with torch.no_grad():
    print("no_grad only, dropout still drops:", dropout(ones))

model.train()
print("back in training mode:", model.training)
# --8<-- [end:eval-vs-no-grad]

# --8<-- [start:train-loop]
def train_one_epoch(model, optimizer):
    model.train()
    total = 0.0
    for xb, yb in train_loader:
        xb, yb = xb.to(device), yb.to(device)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        total += loss.item() * len(xb)
    return total / len(train_loader.dataset)


def validate(model):
    model.eval()
    total = 0.0
    with torch.no_grad():
        for xb, yb in val_loader:
            xb, yb = xb.to(device), yb.to(device)
            total += loss_fn(model(xb), yb).item() * len(xb)
    model.train()
    return total / len(val_loader.dataset)


train_losses, val_losses = [], []
for epoch in range(100):
    train_losses.append(train_one_epoch(model, optimizer))
    val_losses.append(validate(model))
    if epoch + 1 in (1, 2, 5, 20, 50, 100):
        print(f"epoch {epoch + 1:3}: training loss {train_losses[-1]:.4f}, "
              f"validation loss {val_losses[-1]:.4f}")

print(model.state_dict())
# --8<-- [end:train-loop]

# --8<-- [start:loss-curve-en]
import matplotlib.pyplot as plt

epochs = range(1, len(train_losses) + 1)
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(epochs, train_losses, label="training loss")
ax.plot(epochs, val_losses, label="validation loss")
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("MSE (log scale)")
ax.set_title("Loss curves")
ax.legend()
fig.tight_layout()
plt.show()
# --8<-- [end:loss-curve-en]

# --8<-- [start:loss-curve-zh]
import matplotlib.pyplot as plt

plt.rcParams["font.sans-serif"] = [
    "Noto Sans CJK SC", "Noto Sans CJK JP", "Microsoft YaHei", "PingFang SC",
    "SimHei", "DejaVu Sans"]
plt.rcParams["axes.unicode_minus"] = False

epochs = range(1, len(train_losses) + 1)
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(epochs, train_losses, label="训练损失")
ax.plot(epochs, val_losses, label="验证损失")
ax.set_yscale("log")
ax.set_xlabel("轮次")
ax.set_ylabel("均方误差（对数刻度）")
ax.set_title("损失曲线")
ax.legend()
fig.tight_layout()
plt.show()
# --8<-- [end:loss-curve-zh]

# --8<-- [start:save-checkpoint]
import os
import tempfile

checkpoint = {
    "epoch": len(train_losses),
    "model": model.state_dict(),
    "optimizer": optimizer.state_dict(),
    "train_losses": train_losses,
    "val_losses": val_losses,
}
tmpdir = tempfile.TemporaryDirectory()
path = os.path.join(tmpdir.name, "checkpoint.pt")
torch.save(checkpoint, path)

print("saved:", list(checkpoint))
print("optimizer state:", checkpoint["optimizer"]["state"])
print("learning rate:", checkpoint["optimizer"]["param_groups"][0]["lr"])
# --8<-- [end:save-checkpoint]

# --8<-- [start:buffers-in-state-dict]
norm = nn.BatchNorm1d(1).to(device)
print("parameters:", [name for name, _ in norm.named_parameters()])
print("state_dict:", list(norm.state_dict()))


def show_running_stats(when):
    state = norm.state_dict()
    print(f"{when:16} running_mean {state['running_mean'].item():.4f}, "
          f"running_var {state['running_var'].item():.4f}, "
          f"num_batches_tracked {state['num_batches_tracked'].item()}")


show_running_stats("new:")
norm(torch.tensor([[1.0], [2.0], [3.0], [6.0]], device=device))
show_running_stats("after one batch:")

norm.register_buffer("scratch", torch.zeros(1, device=device),
                     persistent=False)
print("buffers:", [name for name, _ in norm.named_buffers()])
print("scratch in state_dict:", "scratch" in norm.state_dict())
# --8<-- [end:buffers-in-state-dict]

# --8<-- [start:load-checkpoint]
torch.manual_seed(0)
new_model = nn.Linear(1, 1).to(device)
new_optimizer = torch.optim.SGD(new_model.parameters(), lr=0.1)
print(f"new model, before loading: validation loss {validate(new_model):.4f}")

loaded = torch.load(path, map_location=device)
new_model.load_state_dict(loaded["model"])
new_optimizer.load_state_dict(loaded["optimizer"])
start_epoch = loaded["epoch"]
train_losses, val_losses = loaded["train_losses"], loaded["val_losses"]

print(f"after loading: validation loss {validate(new_model):.4f}, "
      f"epoch {start_epoch}")
new_state, old_state = new_model.state_dict(), model.state_dict()
print("same parameters as the saved model:",
      all(torch.equal(new_state[k], v) for k, v in old_state.items()))
# --8<-- [end:load-checkpoint]

# --8<-- [start:resume-training]
for epoch in range(start_epoch, start_epoch + 5):
    train_losses.append(train_one_epoch(new_model, new_optimizer))
    val_losses.append(validate(new_model))
    print(f"epoch {epoch + 1:3}: training loss {train_losses[-1]:.4f}, "
          f"validation loss {val_losses[-1]:.4f}")

print("epochs recorded:", len(train_losses), len(val_losses))
# --8<-- [end:resume-training]

# --8<-- [start:loader-generator-state]
def first_batch(loader):
    return next(iter(loader))[0][:4].flatten()


state = train_loader.generator.get_state()  # after 105 epochs of shuffling
restarted = DataLoader(train_data, batch_size=16, shuffle=True,
                       generator=torch.Generator().manual_seed(42))
print("new loader, seed 42:    ", first_batch(restarted))
restarted.generator.set_state(state)
print("new loader, old state:  ", first_batch(restarted))
print("train_loader, epoch 106:", first_batch(train_loader))
# --8<-- [end:loader-generator-state]

# --8<-- [start:predict]
x_new = torch.tensor([[0.0], [0.5], [1.0]], device=device)

new_model.eval()
with torch.no_grad():
    y_new = new_model(x_new)

for xi, yi in zip(x_new.flatten().tolist(), y_new.flatten().tolist()):
    print(f"x = {xi:.1f}: predicted {yi:.4f}, "
          f"true line 1 + 2x = {1 + 2 * xi:.4f}")
print("requires_grad:", y_new.requires_grad, "| device:", y_new.device)
# --8<-- [end:predict]

# --8<-- [start:exercise-numpy-losses]
import pickle
import textwrap

losses = [np.mean([0.5, 0.25]), np.mean([0.25, 0.125])]
print(type(losses[0]).__name__)
torch.save({"epoch": 2, "val_losses": losses}, path)
try:
    torch.load(path, map_location=device)
except pickle.UnpicklingError as err:
    print(type(err).__name__)
    for line in str(err).splitlines():
        if "changed the default" in line or "Unpickler error" in line:
            print(textwrap.fill(line.strip(), 100))

torch.save({"epoch": 2, "val_losses": [float(v) for v in losses]}, path)
print(torch.load(path, map_location=device))
# --8<-- [end:exercise-numpy-losses]

# --8<-- [start:exercise-best-state]
import copy

torch.manual_seed(42)
model = nn.Linear(1, 1).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

best = model.state_dict()
best_copy = copy.deepcopy(model.state_dict())
train_one_epoch(model, optimizer)

print(f"model now:      weight {model.weight.item():.4f}")
print(f"best:           weight {best['weight'].item():.4f}")
print(f"best_copy:      weight {best_copy['weight'].item():.4f}")
print("same storage as the parameter:",
      best["weight"].data_ptr() == model.weight.data_ptr())
tmpdir.cleanup()
# --8<-- [end:exercise-best-state]

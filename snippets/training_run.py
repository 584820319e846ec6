# Chapter: a complete training run: reproducibility, early stopping,
# checkpoints, exact resuming, a final test accuracy.
# Pages: docs/zh/training-run.md, docs/en/training-run.md

# --8<-- [start:seed-everything]
import numpy as np
import torch
from torch import nn

SEED = 0
torch.manual_seed(SEED)
torch.use_deterministic_algorithms(True)
device = "cuda" if torch.cuda.is_available() else "cpu"

print("device:", device)
print("deterministic:", torch.are_deterministic_algorithms_enabled())
# --8<-- [end:seed-everything]

# --8<-- [start:deterministic-error]
import textwrap

x = torch.zeros(3)
try:
    x.put_(torch.tensor([0, 0]), torch.tensor([1.0, 2.0]))
except RuntimeError as err:
    print(textwrap.fill(f"RuntimeError: {err}", 78))
# --8<-- [end:deterministic-error]

# --8<-- [start:seed-workers]
import random

from torch.utils.data import DataLoader, Dataset, get_worker_info


class Jitter(Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        noise = random.random() + np.random.random()
        return i, get_worker_info().id, noise


def seed_worker(worker_id):
    worker_seed = torch.initial_seed() % 2**32
    np.random.seed(worker_seed)
    random.seed(worker_seed)


jitter_gen = torch.Generator().manual_seed(SEED)
jitter_loader = DataLoader(Jitter(), batch_size=2, shuffle=True,
                           num_workers=2, worker_init_fn=seed_worker,
                           generator=jitter_gen)

for run in (1, 2):
    jitter_gen.manual_seed(SEED)
    for i, worker, noise in jitter_loader:
        print(f"run {run}: items {i.tolist()} from worker "
              f"{worker[0].item()}, noise {noise.numpy().round(3)}")
# --8<-- [end:seed-workers]

# --8<-- [start:load-data]
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

X, y = load_digits(return_X_y=True)
X_train, X_rest, y_train, y_rest = train_test_split(
    X, y, test_size=0.4, stratify=y, random_state=SEED)
X_val, X_test, y_val, y_test = train_test_split(
    X_rest, y_rest, test_size=0.5, stratify=y_rest, random_state=SEED)

mean, std = X_train.mean(axis=0), X_train.std(axis=0)
print("pixels that are 0 in every training image:", (std == 0).sum())
std[std == 0] = 1.0
X_train, X_val, X_test = [(part - mean) / std
                          for part in (X_train, X_val, X_test)]

for name, labels in [("train", y_train), ("val", y_val),
                     ("test", y_test)]:
    print(f"{name:5}: {len(labels):4} images, per class "
          f"{np.bincount(labels).tolist()}")
print(f"scaled train: mean {X_train.mean():.3f}, std {X_train.std():.3f}")
print(f"scaled val:   mean {X_val.mean():.3f}, std {X_val.std():.3f}")
# --8<-- [end:load-data]

# --8<-- [start:make-loaders]
from torch.utils.data import TensorDataset


def to_dataset(features, labels):
    return TensorDataset(torch.tensor(features, dtype=torch.float32),
                         torch.tensor(labels, dtype=torch.int64))


train_data = to_dataset(X_train, y_train)
val_data = to_dataset(X_val, y_val)
test_data = to_dataset(X_test, y_test)

loader_gen = torch.Generator().manual_seed(SEED)
train_loader = DataLoader(train_data, batch_size=64, shuffle=True,
                          generator=loader_gen)
val_loader = DataLoader(val_data, batch_size=256)
test_loader = DataLoader(test_data, batch_size=256)

print("batches per epoch:", len(train_loader))
print("loader state:", loader_gen.get_state().dtype,
      tuple(loader_gen.get_state().shape))

before = torch.get_rng_state()
for batch in val_loader:
    pass
print("a pass over val_loader drew from the global generator:",
      not torch.equal(before, torch.get_rng_state()))
# --8<-- [end:make-loaders]

# --8<-- [start:make-model]
def setup():
    torch.manual_seed(SEED)
    loader_gen.manual_seed(SEED)
    model = nn.Sequential(
        nn.Linear(64, 64),
        nn.ReLU(),
        nn.Dropout(0.2),
        nn.Linear(64, 10),
    ).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
        optimizer, factor=0.5, patience=2)
    return model, optimizer, scheduler


loss_fn = nn.CrossEntropyLoss()
model, optimizer, scheduler = setup()
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))
# --8<-- [end:make-model]

# --8<-- [start:train-and-evaluate]
def train_one_epoch(model, optimizer):
    model.train()
    total_loss, correct = 0.0, 0
    for xb, yb in train_loader:
        xb, yb = xb.to(device), yb.to(device)
        logits = model(xb)
        loss = loss_fn(logits, yb)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        total_loss += loss.item() * len(xb)
        correct += (logits.argmax(dim=1) == yb).sum().item()
    n = len(train_loader.dataset)
    return total_loss / n, correct / n


def evaluate(model, loader):
    model.eval()
    total_loss, correct = 0.0, 0
    with torch.no_grad():
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            logits = model(xb)
            total_loss += loss_fn(logits, yb).item() * len(xb)
            correct += (logits.argmax(dim=1) == yb).sum().item()
    n = len(loader.dataset)
    return total_loss / n, correct / n


val_loss, val_acc = evaluate(model, val_loader)
print(f"untrained: validation loss {val_loss:.4f}, accuracy {val_acc:.1%}")
# --8<-- [end:train-and-evaluate]

# --8<-- [start:checkpoint-functions]
import os
import tempfile

tmpdir = tempfile.TemporaryDirectory()


def rng_states():
    states = {"torch": torch.get_rng_state(),
              "loader": loader_gen.get_state()}
    if torch.device(device).type == "cuda":
        states["cuda"] = torch.cuda.get_rng_state()
    return states


def save_checkpoint(path, model, optimizer, scheduler, state):
    checkpoint = {
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
        "state": state,
        "rng": rng_states(),
        "scaling": {"mean": torch.tensor(mean), "std": torch.tensor(std)},
    }
    torch.save(checkpoint, path + ".tmp")
    os.replace(path + ".tmp", path)


def load_checkpoint(path, model, optimizer, scheduler, restore_rng=True):
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    scheduler.load_state_dict(checkpoint["scheduler"])
    if restore_rng:
        torch.set_rng_state(checkpoint["rng"]["torch"])
        loader_gen.set_state(checkpoint["rng"]["loader"])
        if torch.device(device).type == "cuda":
            torch.cuda.set_rng_state(checkpoint["rng"]["cuda"])
    return checkpoint["state"]


path = os.path.join(tmpdir.name, "example.pt")
save_checkpoint(path, model, optimizer, scheduler, {"epoch": 0})
checkpoint = torch.load(path, map_location="cpu", weights_only=True)
print("checkpoint:", list(checkpoint))
print("model:", list(checkpoint["model"]))
print("scheduler:", {k: checkpoint["scheduler"][k]
                     for k in ("best", "num_bad_epochs", "_last_lr")})
print("rng:", {k: (v.dtype, tuple(v.shape))
               for k, v in checkpoint["rng"].items()})
# --8<-- [end:checkpoint-functions]

# --8<-- [start:fit]
def new_state():
    return {"epoch": 0, "best_epoch": 0, "best_val_loss": float("inf"),
            "bad_epochs": 0, "history": []}


def fit(model, optimizer, scheduler, state, run_dir, max_epochs=60,
        patience=6, stop_after=None, log_every=None):
    os.makedirs(run_dir, exist_ok=True)
    while state["epoch"] < max_epochs and state["bad_epochs"] < patience:
        train_loss, train_acc = train_one_epoch(model, optimizer)
        val_loss, val_acc = evaluate(model, val_loader)
        state["epoch"] += 1
        epoch = state["epoch"]
        state["history"].append([train_loss, train_acc, val_loss, val_acc])
        old_lr = optimizer.param_groups[0]["lr"]
        scheduler.step(val_loss)
        new_lr = optimizer.param_groups[0]["lr"]
        if val_loss < state["best_val_loss"]:
            state.update(best_epoch=epoch, best_val_loss=val_loss,
                         bad_epochs=0)
            save_checkpoint(os.path.join(run_dir, "best.pt"),
                            model, optimizer, scheduler, state)
        else:
            state["bad_epochs"] += 1
        save_checkpoint(os.path.join(run_dir, "last.pt"),
                        model, optimizer, scheduler, state)
        if log_every and (epoch % log_every == 0 or epoch == 1):
            print(f"epoch {epoch:2}: train loss {train_loss:.4f} "
                  f"acc {train_acc:.1%} | val loss {val_loss:.4f} "
                  f"acc {val_acc:.1%}")
        if log_every and new_lr != old_lr:
            print(f"epoch {epoch:2}: learning rate {old_lr} -> {new_lr}")
        if epoch == stop_after:
            break
    if log_every and state["bad_epochs"] >= patience:
        print(f"early stop after epoch {state['epoch']}: no improvement "
              f"for {patience} epochs")
    return state


model, optimizer, scheduler = setup()
main_dir = os.path.join(tmpdir.name, "main")
state = fit(model, optimizer, scheduler, new_state(), main_dir,
            log_every=5)
print(f"best epoch {state['best_epoch']}, "
      f"validation loss {state['best_val_loss']:.4f}")
# --8<-- [end:fit]

# --8<-- [start:fixed-schedules]
def rates_per_epoch(make_scheduler, epochs=8, scheduler_first=False):
    weight = nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([weight], lr=0.1)
    sched = make_scheduler(opt)
    rates = []
    for epoch in range(epochs):
        if scheduler_first:
            sched.step()
        rates.append(opt.param_groups[0]["lr"])
        opt.step()  # stands for an epoch of training
        if not scheduler_first:
            sched.step()
    return [round(rate, 4) for rate in rates]


def step_lr(opt):
    return torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)


def cosine(opt):
    return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=8)


print("StepLR:     ", rates_per_epoch(step_lr))
print("cosine:     ", rates_per_epoch(cosine))
print("wrong order:", rates_per_epoch(step_lr, scheduler_first=True))
# --8<-- [end:fixed-schedules]

# --8<-- [start:curves-en]
import matplotlib.pyplot as plt

history = np.array(state["history"])
epochs = np.arange(1, len(history) + 1)
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(8, 3.2))
ax_loss.plot(epochs, history[:, 0], label="training")
ax_loss.plot(epochs, history[:, 2], label="validation")
ax_loss.set_yscale("log")
ax_loss.set_ylabel("cross-entropy loss (log scale)")
ax_acc.plot(epochs, history[:, 1], label="training")
ax_acc.plot(epochs, history[:, 3], label="validation")
ax_acc.set_ylabel("accuracy")
for ax in (ax_loss, ax_acc):
    ax.axvline(state["best_epoch"], color="gray", linestyle="--",
               label="best epoch")
    ax.set_xlabel("epoch")
    ax.legend()
fig.tight_layout()
plt.show()
# --8<-- [end:curves-en]

# --8<-- [start:curves-zh]
import matplotlib.pyplot as plt

plt.rcParams["font.sans-serif"] = [
    "Noto Sans CJK SC", "Noto Sans CJK JP", "Microsoft YaHei", "PingFang SC",
    "SimHei", "DejaVu Sans"]
plt.rcParams["axes.unicode_minus"] = False

history = np.array(state["history"])
epochs = np.arange(1, len(history) + 1)
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(8, 3.2))
ax_loss.plot(epochs, history[:, 0], label="训练")
ax_loss.plot(epochs, history[:, 2], label="验证")
ax_loss.set_yscale("log")
ax_loss.set_ylabel("交叉熵损失（对数刻度）")
ax_acc.plot(epochs, history[:, 1], label="训练")
ax_acc.plot(epochs, history[:, 3], label="验证")
ax_acc.set_ylabel("准确率")
for ax in (ax_loss, ax_acc):
    ax.axvline(state["best_epoch"], color="gray", linestyle="--",
               label="最佳轮次")
    ax.set_xlabel("轮次")
    ax.legend()
fig.tight_layout()
plt.show()
# --8<-- [end:curves-zh]

# --8<-- [start:resume-exact]
def max_difference(model_a, model_b):
    return max((a - b).abs().max().item() for a, b in
               zip(model_a.parameters(), model_b.parameters()))


crash_dir = os.path.join(tmpdir.name, "crash")
crashed, opt, sch = setup()
fit(crashed, opt, sch, new_state(), crash_dir, stop_after=10)
last_path = os.path.join(crash_dir, "last.pt")

resumed, opt, sch = setup()
resumed_state = load_checkpoint(last_path, resumed, opt, sch)
print("resuming after epoch", resumed_state["epoch"])
fit(resumed, opt, sch, resumed_state, os.path.join(tmpdir.name, "resumed"))
print("stopped after epoch", resumed_state["epoch"],
      "| uninterrupted run:", state["epoch"])
print("identical parameters:", all(
    torch.equal(a, b)
    for a, b in zip(model.parameters(), resumed.parameters())))
print("max difference:", max_difference(model, resumed))
# --8<-- [end:resume-exact]

# --8<-- [start:resume-without-rng]
careless, opt, sch = setup()
careless_state = load_checkpoint(last_path, careless, opt, sch,
                                 restore_rng=False)
fit(careless, opt, sch, careless_state,
    os.path.join(tmpdir.name, "careless"))
print("stopped after epoch", careless_state["epoch"],
      "| uninterrupted run:", state["epoch"])
print("identical parameters:", all(
    torch.equal(a, b)
    for a, b in zip(model.parameters(), careless.parameters())))
print(f"max difference: {max_difference(model, careless):.4f}")
print(f"best validation loss {careless_state['best_val_loss']:.4f}, "
      f"uninterrupted run: {state['best_val_loss']:.4f}")
# --8<-- [end:resume-without-rng]

# --8<-- [start:test-accuracy]
final_model, _, _ = setup()
best = torch.load(os.path.join(main_dir, "best.pt"), map_location="cpu",
                  weights_only=True)
final_model.load_state_dict(best["model"])
test_loss, test_acc = evaluate(final_model, test_loader)
print(f"best checkpoint: epoch {best['state']['best_epoch']}, "
      f"validation loss {best['state']['best_val_loss']:.4f}")
print(f"test loss {test_loss:.4f}, test accuracy {test_acc:.1%} "
      f"({round(test_acc * len(test_data))} of {len(test_data)} images)")
# --8<-- [end:test-accuracy]

# --8<-- [start:exercise-one-rng-state]
for keep in ("torch", "loader"):
    partial, opt, sch = setup()
    partial_state = load_checkpoint(last_path, partial, opt, sch,
                                    restore_rng=False)
    saved_rng = torch.load(last_path, map_location="cpu",
                           weights_only=True)["rng"]
    if keep == "torch":
        torch.set_rng_state(saved_rng["torch"])
        if torch.device(device).type == "cuda":
            torch.cuda.set_rng_state(saved_rng["cuda"])
    else:
        loader_gen.set_state(saved_rng["loader"])
    fit(partial, opt, sch, partial_state,
        os.path.join(tmpdir.name, "only-" + keep))
    difference = max_difference(model, partial)
    print(f"only {keep:6} restored: identical {difference == 0}, "
          f"max difference {difference:.4f}")
# --8<-- [end:exercise-one-rng-state]

# --8<-- [start:exercise-numpy-state]
import pickle

np.random.seed(SEED)
random.seed(SEED)
numpy_rng = np.random.default_rng(SEED)

torch.save({"numpy": np.random.get_state()}, path)
try:
    torch.load(path, weights_only=True)
except pickle.UnpicklingError as err:
    for line in str(err).splitlines():
        if "WeightsUnpickler error" in line:
            print(textwrap.fill("UnpicklingError: " + line.strip(), 78))

torch.save({"numpy": numpy_rng.bit_generator.state,
            "python": random.getstate()}, path)
expected = numpy_rng.random(), random.random()
states = torch.load(path, weights_only=True)
numpy_rng.bit_generator.state = states["numpy"]
random.setstate(states["python"])
print("loaded:", type(states["numpy"]).__name__,
      type(states["python"]).__name__)
print("same draws after restoring:",
      (numpy_rng.random(), random.random()) == expected)
# --8<-- [end:exercise-numpy-state]

# --8<-- [start:exercise-worker-generator]
class OwnNoise(Dataset):
    def __init__(self):
        self.rng = np.random.default_rng(SEED)

    def __len__(self):
        return 4

    def __getitem__(self, i):
        return get_worker_info().id, self.rng.random()


def seed_dataset_rng(worker_id):
    info = get_worker_info()
    info.dataset.rng = np.random.default_rng(info.seed)


for init_fn in (seed_worker, seed_dataset_rng):
    noise_loader = DataLoader(OwnNoise(), batch_size=2, num_workers=2,
                              worker_init_fn=init_fn,
                              generator=torch.Generator().manual_seed(SEED))
    for worker, noise in noise_loader:
        print(f"{init_fn.__name__:16}: worker {worker[0].item()}, "
              f"noise {noise.numpy().round(3)}")

tmpdir.cleanup()
torch.use_deterministic_algorithms(False)
# --8<-- [end:exercise-worker-generator]

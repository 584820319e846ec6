# Chapter: the training loop; why backward() and step() are separate calls.
# Pages: docs/zh/training-loop.md, docs/en/training-loop.md

# --8<-- [start:data]
import copy

import numpy as np
import torch
from torch import nn

device = "cuda" if torch.cuda.is_available() else "cpu"

# The course data: a = 1, b = 2; 80 points for training, 20 for validation.
rng = np.random.default_rng(42)
x = rng.uniform(0, 1, size=(100, 1))
y = 1 + 2 * x + 0.1 * rng.standard_normal(size=(100, 1))
idx = rng.permutation(100)
train_idx, val_idx = idx[:80], idx[80:]

x_train = torch.from_numpy(x[train_idx]).float().to(device)
y_train = torch.from_numpy(y[train_idx]).float().to(device)
x_val = torch.from_numpy(x[val_idx]).float().to(device)
y_val = torch.from_numpy(y[val_idx]).float().to(device)
print("training:", tuple(x_train.shape), "validation:", tuple(x_val.shape),
      "device:", device)
# --8<-- [end:data]

# --8<-- [start:setup]
torch.manual_seed(42)
model = nn.Linear(1, 1).to(device)
loss_fn = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

print(f"start: weight = {model.weight.item():.4f}, "
      f"bias = {model.bias.item():.4f}")
# --8<-- [end:setup]

# --8<-- [start:one-iteration]
yhat = model(x_train)             # 1. forward pass
loss = loss_fn(yhat, y_train)     # 2. loss
loss.backward()                   # 3. gradients into .grad
print(f"loss = {loss.item():.4f}")
print(f"gradients: weight {model.weight.grad.item():.4f}, "
      f"bias {model.bias.grad.item():.4f}")

expected = model.weight.item() - 0.1 * model.weight.grad.item()
optimizer.step()                  # 4. update: p -= lr * p.grad
print(f"after step(): weight = {model.weight.item():.4f} "
      f"(old - lr * grad = {expected:.4f})")

optimizer.zero_grad()             # 5. clear the gradients
print("after zero_grad():", model.weight.grad, model.bias.grad)
# --8<-- [end:one-iteration]

# --8<-- [start:forget-zero-grad]
def run(n_epochs, zero_grad):
    torch.manual_seed(42)
    model = nn.Linear(1, 1).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    history = []
    for epoch in range(n_epochs):
        loss = loss_fn(model(x_train), y_train)
        loss.backward()
        history.append((loss.item(), model.bias.grad.item()))
        optimizer.step()
        if zero_grad:
            optimizer.zero_grad()
    return history


with_zero, without_zero = run(100, zero_grad=True), run(100, zero_grad=False)
print("epoch | with zero_grad: loss, bias.grad | without: loss, bias.grad")
for epoch in range(4):
    (l1, g1), (l2, g2) = with_zero[epoch], without_zero[epoch]
    print(f"{epoch + 1:5} | {l1:14.4f} {g1:10.4f} | {l2:17.4f} {g2:10.4f}")
print("loss in epochs 20, 40, 60, 80, 100:")
for name, history in [("with zero_grad", with_zero),
                      ("without", without_zero)]:
    losses = [f"{history[e][0]:.4f}" for e in range(19, 100, 20)]
    print(f"{name:>14}:", " ".join(losses))
# --8<-- [end:forget-zero-grad]

# --8<-- [start:make-train-step]
def make_train_step(model, loss_fn, optimizer):
    def train_step(x, y):
        model.train()
        yhat = model(x)
        loss = loss_fn(yhat, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        return loss.item()

    return train_step
# --8<-- [end:make-train-step]

# --8<-- [start:train-loop]
torch.manual_seed(42)
model = nn.Linear(1, 1).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
train_step = make_train_step(model, loss_fn, optimizer)

losses = []
for epoch in range(1000):
    losses.append(train_step(x_train, y_train))

model.eval()
with torch.no_grad():
    val_loss = loss_fn(model(x_val), y_val).item()
print(f"training loss: epoch 1 {losses[0]:.4f}, epoch 100 {losses[99]:.4f}, "
      f"epoch 1000 {losses[-1]:.4f}")
print(f"weight = {model.weight.item():.4f}, bias = {model.bias.item():.4f}, "
      f"validation loss = {val_loss:.4f}")
# --8<-- [end:train-loop]

# --8<-- [start:accumulate-grads]
torch.manual_seed(42)
model = nn.Linear(1, 1).to(device)
full = copy.deepcopy(model)  # the same starting parameters

loss_fn(full(x_train), y_train).backward()  # one full-batch backward

n_batches = 4
for xb, yb in zip(x_train.split(20), y_train.split(20)):
    (loss_fn(model(xb), yb) / n_batches).backward()  # adds into .grad

for (name, p), q in zip(model.named_parameters(), full.parameters()):
    diff = (p.grad - q.grad).abs().max().item()
    print(f"{name}: accumulated {p.grad.item():.6f}, "
          f"full batch {q.grad.item():.6f}, "
          f"allclose {torch.allclose(p.grad, q.grad)}, "
          f"max abs difference {diff:.1e}")
# --8<-- [end:accumulate-grads]

# --8<-- [start:accumulate-step]
torch.optim.SGD(model.parameters(), lr=0.1).step()
torch.optim.SGD(full.parameters(), lr=0.1).step()

for (name, p), q in zip(model.named_parameters(), full.parameters()):
    diff = (p - q).abs().max().item()
    print(f"{name}: accumulated {p.item():.6f}, full batch {q.item():.6f}, "
          f"max abs difference {diff:.1e}")
# --8<-- [end:accumulate-step]

# --8<-- [start:accumulate-no-division]
torch.manual_seed(42)
model = nn.Linear(1, 1).to(device)
for xb, yb in zip(x_train.split(20), y_train.split(20)):
    loss_fn(model(xb), yb).backward()  # no division

for (name, p), q in zip(model.named_parameters(), full.parameters()):
    ratio = (p.grad / q.grad).item()
    print(f"{name}: accumulated / full batch = {ratio:.4f}")
# --8<-- [end:accumulate-no-division]

# --8<-- [start:clip-grad-norm]
torch.manual_seed(42)
model = nn.Linear(1, 1).to(device)
loss_fn(model(x_train), y_train).backward()
before = [p.grad.clone() for p in model.parameters()]

total_norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
factor = torch.clamp(1.0 / (total_norm + 1e-6), max=1.0)
no_eps = torch.clamp(1.0 / total_norm, max=1.0)
print(f"returned total norm: {total_norm.item():.4f}")
print(f"min(1, max_norm / (total_norm + 1e-6)) = {factor.item():.6f}")
for (name, p), g in zip(model.named_parameters(), before):
    print(f"{name}: {g.item():.4f} -> {p.grad.item():.4f}, "
          f"equals grad * factor: {torch.equal(p.grad, g * factor)}, "
          f"without the 1e-6: {torch.equal(p.grad, g * no_eps)}")


def grad_norm(model):
    grads = [p.grad.flatten() for p in model.parameters()]
    return torch.linalg.vector_norm(torch.cat(grads)).item()


print(f"norm after clipping: {grad_norm(model):.7f}")
# --8<-- [end:clip-grad-norm]

# --8<-- [start:clip-below-max-norm]
again = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
factor = torch.clamp(1.0 / (again + 1e-6), max=1.0)
print(f"second call: total norm {again.item():.7f}, "
      f"factor {factor.item():.7f}, norm now {grad_norm(model):.7f}")

before = [p.grad.clone() for p in model.parameters()]
nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
pairs = zip(model.parameters(), before)
print("max_norm=5.0, gradients unchanged:",
      all(torch.equal(p.grad, g) for p, g in pairs))
# --8<-- [end:clip-below-max-norm]

# --8<-- [start:partial-update]
torch.manual_seed(42)
model = nn.Linear(1, 1).to(device)
bias_only = torch.optim.SGD([model.bias], lr=0.1)

old = {name: p.item() for name, p in model.named_parameters()}
loss_fn(model(x_train), y_train).backward()
bias_only.step()

for name, p in model.named_parameters():
    print(f"{name}: grad {p.grad.item():.4f}, "
          f"{old[name]:.4f} -> {p.item():.4f}, "
          f"changed: {p.item() != old[name]}")

bias_only.zero_grad()  # clears only the gradients of its own parameters
print("after bias_only.zero_grad():", model.weight.grad, model.bias.grad)
model.zero_grad()
print("after model.zero_grad():", model.weight.grad, model.bias.grad)
# --8<-- [end:partial-update]

# --8<-- [start:two-optimizers]
torch.manual_seed(42)
model = nn.Linear(1, 1).to(device)
sgd = torch.optim.SGD([model.weight], lr=0.1)
adam = torch.optim.Adam([model.bias], lr=0.1)

old = {name: p.item() for name, p in model.named_parameters()}
loss_fn(model(x_train), y_train).backward()  # one backward for both
sgd.step()
adam.step()

for name, p in model.named_parameters():
    print(f"{name}: grad {p.grad.item():.4f}, "
          f"change {p.item() - old[name]:+.4f}, "
          f"-lr * grad = {-0.1 * p.grad.item():+.4f}")
# --8<-- [end:two-optimizers]

# --8<-- [start:switch-optimizer]
def train(model, optimizer, n_epochs):
    train_step = make_train_step(model, loss_fn, optimizer)
    for epoch in range(n_epochs):
        loss = train_step(x_train, y_train)
    return loss


torch.manual_seed(42)
model = nn.Linear(1, 1).to(device)
sgd = torch.optim.SGD(model.parameters(), lr=0.1)
loss = train(model, sgd, n_epochs=100)
print(f"SGD,  epochs   1-100: loss {loss:.6f}")
adam = torch.optim.Adam(model.parameters(), lr=0.01)
loss = train(model, adam, n_epochs=100)
print(f"Adam, epochs 101-200: loss {loss:.6f}")

torch.manual_seed(42)
sgd_only = nn.Linear(1, 1).to(device)
sgd = torch.optim.SGD(sgd_only.parameters(), lr=0.1)
loss = train(sgd_only, sgd, n_epochs=200)
print(f"SGD only, 200 epochs: loss {loss:.6f}")
# --8<-- [end:switch-optimizer]

# --8<-- [start:exercise-zero-grad-first]
def make_train_step_zero_first(model, loss_fn, optimizer):
    def train_step(x, y):
        model.train()
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    return train_step


trained = []
for maker in [make_train_step_zero_first, make_train_step]:
    torch.manual_seed(42)
    model = nn.Linear(1, 1).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    train_step = maker(model, loss_fn, optimizer)
    for epoch in range(100):
        train_step(x_train, y_train)
    trained.append(model)

first, last = trained
for name, m in [("zero_grad first:", first), ("zero_grad last: ", last)]:
    print(f"{name} weight {m.weight.item():.6f}, bias {m.bias.item():.6f}")
pairs = zip(first.parameters(), last.parameters())
print("identical:", all(torch.equal(p, q) for p, q in pairs))
# --8<-- [end:exercise-zero-grad-first]

# --8<-- [start:exercise-uneven-batches]
torch.manual_seed(42)
model = nn.Linear(1, 1).to(device)
reference = copy.deepcopy(model)
loss_fn(reference(x_train), y_train).backward()

sizes = [30, 30, 20]
for weighting in ["1 / number of batches", "batch size / 80"]:
    model.zero_grad()
    for xb, yb in zip(x_train.split(sizes), y_train.split(sizes)):
        if weighting.startswith("1"):
            scale = 1 / len(sizes)
        else:
            scale = len(xb) / len(x_train)
        (loss_fn(model(xb), yb) * scale).backward()
    pairs = zip(model.parameters(), reference.parameters())
    match = all(torch.allclose(p.grad, q.grad) for p, q in pairs)
    print(f"scale {weighting:>21}: bias.grad {model.bias.grad.item():.6f} "
          f"(full batch {reference.bias.grad.item():.6f}), allclose {match}")
# --8<-- [end:exercise-uneven-batches]

# --8<-- [start:exercise-freeze]
torch.manual_seed(42)
model = nn.Linear(1, 1).to(device)
model.weight.requires_grad_(False)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

old = {name: p.item() for name, p in model.named_parameters()}
loss_fn(model(x_train), y_train).backward()
optimizer.step()
for name, p in model.named_parameters():
    grad = None if p.grad is None else round(p.grad.item(), 4)
    print(f"{name}: requires_grad {p.requires_grad}, grad {grad}, "
          f"changed: {p.item() != old[name]}")
# --8<-- [end:exercise-freeze]

# Chapter: optimizers (torch.optim): SGD, momentum, Adam, L-BFGS.
# Pages: docs/zh/optimizers.md, docs/en/optimizers.md

# --8<-- [start:data]
import numpy as np
import torch
import torch.optim as optim

device = "cuda" if torch.cuda.is_available() else "cpu"

# The course's data set: a = 1, b = 2, 100 points, 80 for training.
rng = np.random.default_rng(42)
x = rng.uniform(0, 1, size=(100, 1))
y = 1 + 2 * x + 0.1 * rng.standard_normal(size=(100, 1))
idx = rng.permutation(100)
train_idx, val_idx = idx[:80], idx[80:]

x_train = torch.from_numpy(x[train_idx]).float().to(device)
y_train = torch.from_numpy(y[train_idx]).float().to(device)
print(x_train.shape, y_train.shape, x_train.device)
# --8<-- [end:data]

# --8<-- [start:make-optimizer]
torch.manual_seed(42)
a = torch.randn(1, requires_grad=True, device=device)
b = torch.randn(1, requires_grad=True, device=device)

lr = 0.1
optimizer = optim.SGD([a, b], lr=lr)
print("start:", a, b)
# --8<-- [end:make-optimizer]

# --8<-- [start:step-by-hand]
loss = ((a + b * x_train - y_train) ** 2).mean()
loss.backward()
print("gradients:", a.grad, b.grad)

with torch.no_grad():
    a_by_hand = a - lr * a.grad
    b_by_hand = b - lr * b.grad

optimizer.step()
print("optimizer.step():", a.detach(), b.detach())
print("by hand:         ", a_by_hand, b_by_hand)
largest = max((a - a_by_hand).abs().item(), (b - b_by_hand).abs().item())
print(f"largest difference: {largest:.1e}")
# --8<-- [end:step-by-hand]

# --8<-- [start:zero-grad]
optimizer.zero_grad()
print("after zero_grad():", a.grad, b.grad)

loss = ((a + b * x_train - y_train) ** 2).mean()
loss.backward()
optimizer.zero_grad(set_to_none=False)
print("after zero_grad(set_to_none=False):", a.grad, b.grad)
# --8<-- [end:zero-grad]

# --8<-- [start:train]
torch.manual_seed(42)
a = torch.randn(1, requires_grad=True, device=device)
b = torch.randn(1, requires_grad=True, device=device)
optimizer = optim.SGD([a, b], lr=0.1)

for epoch in range(1000):
    yhat = a + b * x_train
    loss = ((yhat - y_train) ** 2).mean()
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()

print(a, b)
print(f"loss: {loss.item():.6f}")
# --8<-- [end:train]

# --8<-- [start:learning-rate]
def train(optimizer_class, n_epochs=100, **settings):
    torch.manual_seed(42)
    a = torch.randn(1, requires_grad=True, device=device)
    b = torch.randn(1, requires_grad=True, device=device)
    optimizer = optimizer_class([a, b], **settings)
    losses = []
    for epoch in range(n_epochs):
        loss = ((a + b * x_train - y_train) ** 2).mean()
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(loss.item())
    return losses


print("loss in epoch:   10         20         50        100")
for lr in [0.01, 0.1, 0.5, 1.5]:
    losses = train(optim.SGD, lr=lr)
    shown = "".join(f"{losses[e - 1]:11.4g}" for e in [10, 20, 50, 100])
    print(f"lr = {lr:<4}", shown)
# --8<-- [end:learning-rate]

# --8<-- [start:param-groups]
import textwrap

group = optimizer.param_groups[0]
print("parameters in the group:", len(group["params"]))
settings = ", ".join(f"{k}={v}" for k, v in group.items() if k != "params")
print(textwrap.fill("settings: " + settings, 70))

optimizer.param_groups[0]["lr"] = 0.01
print("lr now:", optimizer.param_groups[0]["lr"])
# --8<-- [end:param-groups]

# --8<-- [start:weight-decay]
cases = [(optim.SGD, 0.0), (optim.SGD, 0.5), (optim.Adam, 0.5),
         (optim.AdamW, 0.5)]
for optimizer_class, weight_decay in cases:
    w = torch.tensor([2.0], requires_grad=True, device=device)
    opt = optimizer_class([w], lr=0.1, weight_decay=weight_decay)
    w.grad = torch.tensor([1.0], device=device)
    opt.step()
    print(f"{optimizer_class.__name__:<5} weight_decay={weight_decay}: "
          f"w 2.0 -> {w.item():.2f}")
# --8<-- [end:weight-decay]

# --8<-- [start:momentum-adam]
runs = {
    "SGD": train(optim.SGD, lr=0.1),
    "SGD, momentum=0.9": train(optim.SGD, lr=0.1, momentum=0.9),
    "Adam": train(optim.Adam, lr=0.1),
}
print("loss in epoch:           10         20         50        100")
for name, losses in runs.items():
    shown = "".join(f"{losses[e - 1]:11.4f}" for e in [10, 20, 50, 100])
    print(f"{name:<18}", shown)
# --8<-- [end:momentum-adam]

# --8<-- [start:optimizer-state]
for optimizer_class, settings in [(optim.SGD, {"lr": 0.1, "momentum": 0.9}),
                                  (optim.Adam, {"lr": 0.1})]:
    torch.manual_seed(42)
    a = torch.randn(1, requires_grad=True, device=device)
    b = torch.randn(1, requires_grad=True, device=device)
    optimizer = optimizer_class([a, b], **settings)
    a_before, b_before = a.item(), b.item()

    loss = ((a + b * x_train - y_train) ** 2).mean()
    loss.backward()
    optimizer.step()
    print(f"{optimizer_class.__name__}: state of a:", optimizer.state[a])
    print(f"  gradients: {a.grad.item():.4f}, {b.grad.item():.4f} | "
          f"steps taken: {a.item() - a_before:.4f}, "
          f"{b.item() - b_before:.4f}")
# --8<-- [end:optimizer-state]

# --8<-- [start:adam-step-size]
w = torch.zeros(1, requires_grad=True, device=device)
adam = optim.Adam([w], lr=0.1)
largest = (0.0, 0)
for step in range(1, 1021):
    gradient = 0.01 if step <= 1000 else 1.0
    w.grad = torch.full_like(w, gradient)
    before = w.item()
    adam.step()
    moved = (before - w.item()) / 0.1  # in units of the learning rate
    largest = max(largest, (moved, step))
    if step in (1, 1000, 1001, 1002, 1005, 1020):
        print(f"step {step:4}: gradient {gradient:4}, moved {moved:.2f} x lr")
print(f"largest: {largest[0]:.2f} x lr, at step {largest[1]}")
# --8<-- [end:adam-step-size]

# --8<-- [start:lbfgs]
torch.manual_seed(42)
a = torch.randn(1, requires_grad=True, device=device)
b = torch.randn(1, requires_grad=True, device=device)
optimizer = optim.LBFGS([a, b])
calls = 0


def closure():
    global calls
    calls += 1
    optimizer.zero_grad()
    loss = ((a + b * x_train - y_train) ** 2).mean()
    loss.backward()
    return loss


for step in range(3):
    loss_before = optimizer.step(closure)
    loss_after = ((a + b * x_train - y_train) ** 2).mean()
    print(f"step {step + 1}: loss {loss_before.item():.6f} -> "
          f"{loss_after.item():.6f}, closure calls so far: {calls}, "
          f"a = {a.item():.4f}, b = {b.item():.4f}")

state = optimizer.state[a]  # L-BFGS keeps its state with the first parameter
print("history:", len(state["old_dirs"]), "pairs of vectors of",
      state["old_dirs"][0].numel(), "numbers")
# --8<-- [end:lbfgs]

# --8<-- [start:exercise-two-groups]
torch.manual_seed(42)
a = torch.randn(1, requires_grad=True, device=device)
b = torch.randn(1, requires_grad=True, device=device)
optimizer = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
print("learning rates:", [group["lr"] for group in optimizer.param_groups])

a_before, b_before = a.item(), b.item()
loss = ((a + b * x_train - y_train) ** 2).mean()
loss.backward()
optimizer.step()
print(f"a moved {a.item() - a_before:.4f}, "
      f"-0.1 * grad = {-0.1 * a.grad.item():.4f}")
print(f"b moved {b.item() - b_before:.4f}, "
      f"-0.5 * grad = {-0.5 * b.grad.item():.4f}")
# --8<-- [end:exercise-two-groups]

# --8<-- [start:exercise-none-or-zeros]
for set_to_none in [True, False]:
    torch.manual_seed(42)
    a = torch.randn(1, requires_grad=True, device=device)
    b = torch.randn(1, requires_grad=True, device=device)
    optimizer = optim.SGD([a, b], lr=0.1, momentum=0.9)

    loss = ((a + b * x_train - y_train) ** 2).mean()
    loss.backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=set_to_none)
    a_before = a.item()
    optimizer.step()  # no new gradient
    print(f"set_to_none={set_to_none}: grad {a.grad}, "
          f"a moved by {a.item() - a_before:.4f}")
# --8<-- [end:exercise-none-or-zeros]

# --8<-- [start:exercise-adam-small-lr]
for lr in [0.01, 0.1]:
    losses = train(optim.Adam, n_epochs=300, lr=lr)
    shown = "".join(f"{losses[e - 1]:11.4f}" for e in [50, 100, 200, 300])
    print(f"Adam, lr = {lr:<4} loss in epochs 50, 100, 200, 300:{shown}")
# --8<-- [end:exercise-adam-small-lr]

# Chapter: loss functions (nn.MSELoss, reduction, argument order, shapes).
# Pages: docs/zh/losses.md, docs/en/losses.md

# --8<-- [start:mse-loss]
import torch
from torch import nn

device = "cuda" if torch.cuda.is_available() else "cpu"

y_true = torch.tensor([1.0, 2.0, 3.0], device=device)
y_pred = torch.tensor([1.5, 2.5, 2.0], device=device)

loss_fn = nn.MSELoss()
loss = loss_fn(y_pred, y_true)
print(loss_fn, "| a module:", isinstance(loss_fn, nn.Module))
print(loss, "| shape:", loss.shape)
# --8<-- [end:mse-loss]

# --8<-- [start:by-hand]
by_hand = ((y_pred - y_true) ** 2).mean()
print("squared errors:", (y_pred - y_true) ** 2)
print(f"nn.MSELoss: {loss.item():.4f}, by hand: {by_hand.item():.4f}")
print("torch.equal:", torch.equal(loss, by_hand))
print("torch.allclose:", torch.allclose(loss, by_hand))
# --8<-- [end:by-hand]

# --8<-- [start:reduction]
for reduction in ["mean", "sum", "none"]:
    value = nn.MSELoss(reduction=reduction)(y_pred, y_true)
    print(f"{reduction:>4}: shape {tuple(value.shape)}, value", value)

n = y_true.numel()
mean_loss = nn.MSELoss(reduction="mean")(y_pred, y_true)
sum_loss = nn.MSELoss(reduction="sum")(y_pred, y_true)
print(f"sum = mean * N: {sum_loss.item():.4f} = {mean_loss.item():.4f} * {n}")
# --8<-- [end:reduction]

# --8<-- [start:argument-order]
probs = torch.tensor([0.9, 0.2, 0.6], device=device)  # predicted
labels = torch.tensor([1.0, 0.0, 1.0], device=device)  # true classes

for fn in [nn.MSELoss(), nn.L1Loss(), nn.HuberLoss(), nn.BCELoss()]:
    right, swapped = fn(probs, labels).item(), fn(labels, probs).item()
    print(f"{str(fn):>12}: (prediction, target) {right:.4f} | "
          f"swapped {swapped:.4f}")

per_element = nn.BCELoss(reduction="none")(labels, probs)
print("BCE swapped, per element:", per_element)
# --8<-- [end:argument-order]

# --8<-- [start:data]
import numpy as np

# The course's data set: a = 1, b = 2, 100 points, 80 for training.
rng = np.random.default_rng(42)
x = rng.uniform(0, 1, size=(100, 1))
y = 1 + 2 * x + 0.1 * rng.standard_normal(size=(100, 1))
idx = rng.permutation(100)
train_idx, val_idx = idx[:80], idx[80:]

x_train = torch.from_numpy(x[train_idx]).float().to(device)
y_train = torch.from_numpy(y[train_idx]).float().to(device)

torch.manual_seed(42)
a = torch.randn(1, requires_grad=True, device=device)
b = torch.randn(1, requires_grad=True, device=device)

loss_fn = nn.MSELoss()
yhat = a + b * x_train
loss = loss_fn(yhat, y_train)
print("yhat:", tuple(yhat.shape), "| y_train:", tuple(y_train.shape))
print(loss)
# --8<-- [end:data]

# --8<-- [start:train]
def train(a, b, loss_fn, target, lr=0.1, n_epochs=1000):
    optimizer = torch.optim.SGD([a, b], lr=lr)
    for epoch in range(n_epochs):
        yhat = a + b * x_train
        loss = loss_fn(yhat, target)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    return loss


loss = train(a, b, loss_fn, y_train)
print(a, b)
print(f"training loss: {loss.item():.6f}")
# --8<-- [end:train]

# --8<-- [start:shape-pitfall]
y_flat = y_train.squeeze(1)  # shape (80,): the same numbers

with torch.no_grad():
    yhat = a + b * x_train
    print("yhat:", tuple(yhat.shape), "| y_flat:", tuple(y_flat.shape),
          "| yhat - y_flat:", tuple((yhat - y_flat).shape))
    wrong = loss_fn(yhat, y_flat)
    right = loss_fn(yhat, y_flat.unsqueeze(1))
print(f"wrong shapes: {wrong.item():.4f} | "
      f"matching shapes: {right.item():.4f}")
# --8<-- [end:shape-pitfall]

# --8<-- [start:exercise-sum]
for reduction, lr in [("mean", 0.1), ("sum", 0.1), ("sum", 0.1 / 80)]:
    torch.manual_seed(42)
    a = torch.randn(1, requires_grad=True, device=device)
    b = torch.randn(1, requires_grad=True, device=device)
    train(a, b, nn.MSELoss(reduction=reduction), y_train, lr=lr)
    print(f"{reduction:>4}, lr = {lr:.5f}: "
          f"a = {a.item():.4f}, b = {b.item():.4f}")
# --8<-- [end:exercise-sum]

# --8<-- [start:exercise-broadcast]
import warnings

torch.manual_seed(42)
a = torch.randn(1, requires_grad=True, device=device)
b = torch.randn(1, requires_grad=True, device=device)
with warnings.catch_warnings():
    # we have seen this warning already
    warnings.filterwarnings("ignore", message="Using a target size")
    loss = train(a, b, nn.MSELoss(), y_flat)

print(f"trained on the (80,) target: a = {a.item():.4f}, b = {b.item():.4f}")
print(f"mean of y_train: {y_train.mean().item():.4f}")
print(f"its loss against the (80,) target: {loss.item():.4f}")
# --8<-- [end:exercise-broadcast]

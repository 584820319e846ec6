# Chapter: classification (digits, logits, softmax, cross-entropy, accuracy).
# Pages: docs/zh/classification.md, docs/en/classification.md

# --8<-- [start:load-digits]
import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn

device = "cuda" if torch.cuda.is_available() else "cpu"

digits = load_digits()
X, y = digits.data, digits.target
print("images:", digits.images.shape, "| X:", X.shape, X.dtype,
      "| y:", y.shape, y.dtype)
print("pixel values from", X.min(), "to", X.max())
print("classes:", digits.target_names)
print("images per class:", np.bincount(y))
# --8<-- [end:load-digits]

# --8<-- [start:show-digits]
import matplotlib.pyplot as plt

fig, axes = plt.subplots(2, 10, figsize=(8, 2))
for ax, image, label in zip(axes.flat, digits.images, y):
    ax.imshow(image, cmap="gray_r")
    ax.set_title(str(label))
    ax.axis("off")
fig.tight_layout()
plt.show()
# --8<-- [end:show-digits]

# --8<-- [start:split-and-scale]
from sklearn.model_selection import train_test_split

X_train, X_test, y_train_np, y_test_np = train_test_split(
    X, y, test_size=0.25, random_state=42, stratify=y)

x_train = torch.tensor(X_train / 16, dtype=torch.float32, device=device)
x_test = torch.tensor(X_test / 16, dtype=torch.float32, device=device)
y_train = torch.tensor(y_train_np, dtype=torch.int64, device=device)
y_test = torch.tensor(y_test_np, dtype=torch.int64, device=device)

print("training:", tuple(x_train.shape), x_train.dtype,
      tuple(y_train.shape), y_train.dtype)
print("test:    ", tuple(x_test.shape), x_test.dtype,
      tuple(y_test.shape), y_test.dtype)
print(f"pixels now from {x_train.min().item()} to {x_train.max().item()}")
print("test images per class:", torch.bincount(y_test).tolist())
# --8<-- [end:split-and-scale]

# --8<-- [start:logits]
torch.manual_seed(42)
model = nn.Sequential(
    nn.Linear(64, 64),
    nn.ReLU(),
    nn.Linear(64, 10),
).to(device)

with torch.no_grad():
    logits = model(x_train[:3])
print("logits:", tuple(logits.shape))
print(logits)
# --8<-- [end:logits]

# --8<-- [start:softmax]
probs = torch.softmax(logits, dim=1)
print(probs)
print("row sums:", probs.sum(dim=1))
print("largest logit:     ", logits.argmax(dim=1).tolist())
print("largest probability:", probs.argmax(dim=1).tolist())
print("true labels:        ", y_train[:3].tolist())
# --8<-- [end:softmax]

# --8<-- [start:softmax-shift]
shifted = torch.softmax(logits + 100, dim=1)
print("softmax(logits + 100) close to softmax(logits):",
      torch.allclose(shifted, probs))

big = logits + 100
naive = torch.exp(big) / torch.exp(big).sum(dim=1, keepdim=True)
print("exp(logits + 100):", torch.exp(big)[0, :3])
print("naive softmax:", naive[0, :3])
# --8<-- [end:softmax-shift]

# --8<-- [start:cross-entropy]
loss_fn = nn.CrossEntropyLoss()
y3 = y_train[:3]
loss = loss_fn(logits, y3)

log_probs = torch.log_softmax(logits, dim=1)
picked = log_probs[torch.arange(3), y3]
by_hand = -picked.mean()
print("log-probabilities of the true classes:", picked)
print(f"nn.CrossEntropyLoss: {loss.item():.4f}, "
      f"by hand: {by_hand.item():.4f}")
print("allclose:", torch.allclose(loss, by_hand))
print(f"log(10) = {np.log(10):.4f}")
# --8<-- [end:cross-entropy]

# --8<-- [start:wrong-targets]
one_hot = nn.functional.one_hot(y3, num_classes=10)
wrong_targets = {
    "float (N,)": y3.float(),
    "one-hot int64 (N, C)": one_hot,
    "int64 (N, 1)": y3.unsqueeze(1),
}
for name, target in wrong_targets.items():
    try:
        loss_fn(logits, target)
    except RuntimeError as err:
        print(f"{name}: RuntimeError:", err)
# --8<-- [end:wrong-targets]

# --8<-- [start:class-probabilities]
soft = one_hot.float()
print("target:", tuple(soft.shape), soft.dtype)
print(f"one-hot float32 target: {loss_fn(logits, soft).item():.4f}")
print(f"class-index target:     {loss_fn(logits, y3).item():.4f}")

smoothed = nn.CrossEntropyLoss(label_smoothing=0.1)
mixed = 0.9 * soft + 0.1 / 10
print(f"label_smoothing=0.1:    {smoothed(logits, y3).item():.4f}")
print(f"0.9 * one-hot + 0.1/10: {loss_fn(logits, mixed).item():.4f}")
# --8<-- [end:class-probabilities]

# --8<-- [start:no-softmax-before-loss]
target = torch.tensor([3], device=device)
confident_right = torch.zeros(1, 10, device=device)
confident_right[0, 3] = 10.0
confident_wrong = torch.zeros(1, 10, device=device)
confident_wrong[0, 5] = 10.0

for name, z in [("right", confident_right), ("wrong", confident_wrong)]:
    with_logits = loss_fn(z, target).item()
    with_softmax = loss_fn(torch.softmax(z, dim=1), target).item()
    print(f"confident and {name}: logits {with_logits:.4f}, "
          f"softmax first {with_softmax:.4f}")
# --8<-- [end:no-softmax-before-loss]

# --8<-- [start:bce-with-logits]
zeros = torch.zeros(1, device=device)
print(" logit  sigmoid       BCELoss  BCEWithLogits  true value")
for value in [5.0, 10.0, 16.0, 17.0, 20.0]:
    z = torch.tensor([value], device=device)
    p = torch.sigmoid(z)
    bce = nn.BCELoss()(p, zeros).item()
    bce_logits = nn.BCEWithLogitsLoss()(z, zeros).item()
    true = np.log1p(np.exp(value))  # -log(1 - sigmoid(z)), in float64
    print(f"{value:6.0f}  {p.item():.10f}  {bce:8.4f}  {bce_logits:13.4f}"
          f"  {true:10.4f}")
# --8<-- [end:bce-with-logits]

# --8<-- [start:bce-gradient]
for name in ["sigmoid + BCELoss", "BCEWithLogitsLoss"]:
    z = torch.tensor([20.0], device=device, requires_grad=True)
    if name == "sigmoid + BCELoss":
        loss = nn.BCELoss()(torch.sigmoid(z), zeros)
    else:
        loss = nn.BCEWithLogitsLoss()(z, zeros)
    loss.backward()
    print(f"{name:>17}: loss {loss.item():.4f}, gradient {z.grad.item():.4f}")
# --8<-- [end:bce-gradient]

# --8<-- [start:train]
def accuracy(logits, labels):
    return (logits.argmax(dim=1) == labels).float().mean().item()


torch.manual_seed(42)
model = nn.Sequential(
    nn.Linear(64, 64),
    nn.ReLU(),
    nn.Linear(64, 10),
).to(device)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)

model.train()
for epoch in range(100):
    logits = model(x_train)
    loss = loss_fn(logits, y_train)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    if epoch == 0 or (epoch + 1) % 20 == 0:
        print(f"epoch {epoch + 1:3}: loss {loss.item():.4f}, "
              f"training accuracy {accuracy(logits, y_train):.4f}")
# --8<-- [end:train]

# --8<-- [start:test-accuracy]
model.eval()
with torch.no_grad():
    test_logits = model(x_test)
preds = test_logits.argmax(dim=1)

print("predicted:", preds[:12].tolist())
print("true:     ", y_test[:12].tolist())
n_right = (preds == y_test).sum().item()
print(f"test accuracy: {n_right}/{len(y_test)} = "
      f"{accuracy(test_logits, y_test):.4f}")
# --8<-- [end:test-accuracy]

# --8<-- [start:confusion-matrix]
from sklearn.metrics import confusion_matrix

cm = confusion_matrix(y_test.cpu().numpy(), preds.cpu().numpy())
print("true \\ predicted")
print("     " + "".join(f"{j:4}" for j in range(10)))
for i, row in enumerate(cm):
    print(f"{i:4} " + "".join(f"{count:4}" for count in row))

pairs = [(cm[i, j], i, j) for i in range(10) for j in range(10)
         if i != j and cm[i, j] > 0]
for count, i, j in sorted(pairs, key=lambda p: (-p[0], p[1], p[2]))[:4]:
    print(f"true {i}, predicted {j}: {count}")

wrong = (preds != y_test).nonzero().flatten().tolist()
print("misclassified test images:", len(wrong))
# --8<-- [end:confusion-matrix]

# --8<-- [start:show-mistakes-en]
fig, axes = plt.subplots(1, 8, figsize=(8, 1.6))
for ax, i in zip(axes, wrong[:8]):
    ax.imshow(X_test[i].reshape(8, 8), cmap="gray_r")
    ax.set_title(f"true {y_test[i].item()}\npredicted {preds[i].item()}",
                 fontsize=9)
    ax.axis("off")
fig.tight_layout()
plt.show()
# --8<-- [end:show-mistakes-en]

# --8<-- [start:show-mistakes-zh]
plt.rcParams["font.sans-serif"] = [
    "Noto Sans CJK SC", "Noto Sans CJK JP", "Microsoft YaHei", "PingFang SC",
    "SimHei", "DejaVu Sans"]

fig, axes = plt.subplots(1, 8, figsize=(8, 1.6))
for ax, i in zip(axes, wrong[:8]):
    ax.imshow(X_test[i].reshape(8, 8), cmap="gray_r")
    ax.set_title(f"真实 {y_test[i].item()}\n预测 {preds[i].item()}",
                 fontsize=9)
    ax.axis("off")
fig.tight_layout()
plt.show()
# --8<-- [end:show-mistakes-zh]

# --8<-- [start:exercise-softmax-layer]
torch.manual_seed(42)
soft_model = nn.Sequential(
    nn.Linear(64, 64),
    nn.ReLU(),
    nn.Linear(64, 10),
    nn.Softmax(dim=1),
).to(device)
optimizer = torch.optim.Adam(soft_model.parameters(), lr=0.01)

for epoch in range(100):
    loss = loss_fn(soft_model(x_train), y_train)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()

soft_model.eval()
with torch.no_grad():
    soft_acc = accuracy(soft_model(x_test), y_test)
    predicted = soft_model(x_test).argmax(dim=1)
    train_probs = soft_model(x_train)
    losses = nn.functional.cross_entropy(train_probs, y_train, reduction="none")
    wrong = train_probs.argmax(dim=1) != y_train
print(f"softmax as last layer: loss {loss.item():.4f}, "
      f"test accuracy {soft_acc:.4f}")
print(f"lowest loss it can reach: {np.log(1 + 9 / np.e):.4f}")
print("test images predicted as each digit:",
      torch.bincount(predicted, minlength=10).tolist())
print(f"training images it gets wrong: {wrong.sum().item()}, "
      f"mean loss {losses[wrong].mean():.4f} "
      f"(right ones: {losses[~wrong].mean():.4f})")
# --8<-- [end:exercise-softmax-layer]

# --8<-- [start:exercise-binary]
is3_train = (y_train == 3).float().unsqueeze(1)
is3_test = (y_test == 3).float().unsqueeze(1)

torch.manual_seed(42)
binary = nn.Sequential(nn.Linear(64, 32), nn.ReLU(),
                       nn.Linear(32, 1)).to(device)
bce = nn.BCEWithLogitsLoss()
try:
    bce(binary(x_train), is3_train.squeeze(1))
except ValueError as err:
    print("ValueError:", err)

optimizer = torch.optim.Adam(binary.parameters(), lr=0.01)
for epoch in range(100):
    loss = bce(binary(x_train), is3_train)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()

binary.eval()
with torch.no_grad():
    said_3 = (binary(x_test) > 0).float()
print(f"test accuracy: {(said_3 == is3_test).float().mean().item():.4f}")
print(f"always 'not a 3': {(is3_test == 0).float().mean().item():.4f}")
print(f"3s in the test set: {int(is3_test.sum().item())}, "
      f"found: {int((said_3 * is3_test).sum().item())}, "
      f"false alarms: {int((said_3 * (1 - is3_test)).sum().item())}")
# --8<-- [end:exercise-binary]

# Chapter: Dataset and DataLoader: feeding a model mini-batches.
# Pages: docs/zh/data-loading.md, docs/en/data-loading.md

# --8<-- [start:make-data]
import numpy as np
import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

rng = np.random.default_rng(42)
x = rng.uniform(0, 1, size=(100, 1))
y = 1 + 2 * x + 0.1 * rng.standard_normal(size=(100, 1))

# All 100 points as float32 tensors; they stay on the CPU.
x_tensor = torch.from_numpy(x).float()
y_tensor = torch.from_numpy(y).float()
print(x_tensor.shape, y_tensor.shape, x_tensor.dtype, x_tensor.device)
# --8<-- [end:make-data]

# --8<-- [start:custom-dataset]
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, x_tensor, y_tensor):
        self.x = x_tensor
        self.y = y_tensor

    def __getitem__(self, index):
        return self.x[index], self.y[index]

    def __len__(self):
        return len(self.x)


dataset = CustomDataset(x_tensor, y_tensor)
print("len(dataset):", len(dataset))
print("dataset[0]:", dataset[0])
# --8<-- [end:custom-dataset]

# --8<-- [start:tensor-dataset]
from torch.utils.data import TensorDataset

dataset = TensorDataset(x_tensor, y_tensor)
print("len(dataset):", len(dataset))
print("dataset[0]:", dataset[0])
# --8<-- [end:tensor-dataset]

# --8<-- [start:random-split]
from torch.utils.data import random_split

train_data, val_data = random_split(
    dataset, [80, 20], generator=torch.Generator().manual_seed(42))
print(type(train_data).__name__, len(train_data), len(val_data))
print("first training indices:", train_data.indices[:6])

again, _ = random_split(
    dataset, [80, 20], generator=torch.Generator().manual_seed(42))
print("same seed, again:      ", again.indices[:6])
# --8<-- [end:random-split]

# --8<-- [start:make-loader]
from torch.utils.data import DataLoader

train_loader = DataLoader(train_data, batch_size=16, shuffle=True,
                          generator=torch.Generator().manual_seed(42))
print("batches per epoch:", len(train_loader))
for x_batch, y_batch in train_loader:
    print(x_batch.shape, y_batch.shape)
# --8<-- [end:make-loader]

# --8<-- [start:shuffle-epochs]
for epoch in range(2):
    x_batch, y_batch = next(iter(train_loader))
    print("first batch of a new epoch:", x_batch[:4].flatten())

x_train = x_tensor[train_data.indices]
seen = torch.cat([x_batch for x_batch, _ in train_loader])
print("every sample once per epoch:",
      torch.equal(seen.sort(dim=0).values, x_train.sort(dim=0).values))
print("train_data.indices[:6] still:", train_data.indices[:6])
print("dataset[0] still:", dataset[0])
# --8<-- [end:shuffle-epochs]

# --8<-- [start:shuffle-keeps-pairs]
x_exact = torch.arange(80.0).unsqueeze(1)
exact_data = TensorDataset(x_exact, 1 + 2 * x_exact)
exact_loader = DataLoader(exact_data, batch_size=16, shuffle=True,
                          generator=torch.Generator().manual_seed(0))
x_batch, y_batch = next(iter(exact_loader))
print("x:", x_batch[:5].flatten().tolist())
print("y:", y_batch[:5].flatten().tolist())
print("y == 1 + 2x in each batch:",
      [torch.equal(yb, 1 + 2 * xb) for xb, yb in exact_loader])
# --8<-- [end:shuffle-keeps-pairs]

# --8<-- [start:no-shuffle]
val_loader = DataLoader(val_data, batch_size=16, shuffle=False)
print("batch sizes:", [len(x_batch) for x_batch, _ in val_loader])

first, second = next(iter(val_loader))[0], next(iter(val_loader))[0]
print("same order every time:", torch.equal(first, second))
print("in dataset order:",
      torch.equal(first, x_tensor[val_data.indices[:16]]))
# --8<-- [end:no-shuffle]

# --8<-- [start:train-loop]
import torch.nn as nn

torch.manual_seed(42)
model = nn.Linear(1, 1).to(device)
loss_fn = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

for epoch in range(50):
    batch_losses = []
    for x_batch, y_batch in train_loader:
        x_batch, y_batch = x_batch.to(device), y_batch.to(device)

        loss = loss_fn(model(x_batch), y_batch)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()

        batch_losses.append(loss.item())
    if epoch % 10 == 9:
        print(f"epoch {epoch + 1:2}: loss = {np.mean(batch_losses):.4f}")

print(f"bias (a) = {model.bias.item():.4f}, "
      f"weight (b) = {model.weight.item():.4f}")
# --8<-- [end:train-loop]

# --8<-- [start:last-batch]
for drop_last in [False, True]:
    loader = DataLoader(train_data, batch_size=32, shuffle=True,
                        drop_last=drop_last,
                        generator=torch.Generator().manual_seed(42))
    sizes = [len(x_batch) for x_batch, _ in loader]
    print(f"drop_last={drop_last!s:5}: len(loader) = {len(loader)}, "
          f"batch sizes {sizes}")
# --8<-- [end:last-batch]

# --8<-- [start:csv-dataset]
import csv
import os
import tempfile

tmpdir = tempfile.TemporaryDirectory()
csv_path = os.path.join(tmpdir.name, "points.csv")
with open(csv_path, "w", newline="") as f:
    writer = csv.writer(f)
    writer.writerow(["x", "y"])
    for xi, yi in zip(x[:, 0], y[:, 0]):
        writer.writerow([f"{xi:.6f}", f"{yi:.6f}"])

with open(csv_path) as f:
    print("".join(f.readlines()[:3]), end="")


class CSVDataset(Dataset):
    def __init__(self, path):
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
        self.rows = rows[1:]  # without the header

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        x_text, y_text = self.rows[index]
        xi = torch.tensor([float(x_text)], dtype=torch.float32)
        yi = torch.tensor([float(y_text)], dtype=torch.float32)
        return xi, yi


csv_data = CSVDataset(csv_path)
tmpdir.cleanup()  # the rows are in memory now
print("len(csv_data):", len(csv_data))
print("csv_data[0]:", csv_data[0])

csv_loader = DataLoader(csv_data, batch_size=32, shuffle=True,
                        generator=torch.Generator().manual_seed(42))
x_batch, y_batch = next(iter(csv_loader))
print("a batch:", tuple(x_batch.shape), x_batch.dtype,
      "| batch sizes:", [len(xb) for xb, _ in csv_loader])
# --8<-- [end:csv-dataset]

# --8<-- [start:worker-processes]
import torch.multiprocessing as mp
from torch.utils.data import default_collate, get_worker_info


def collate_and_tag(samples):
    info = get_worker_info()  # None in the main process
    return default_collate(samples), "main" if info is None else info.id


def main():
    print("start method:", mp.get_start_method(allow_none=True)
          or mp.get_all_start_methods()[0])
    loaded = {}
    for workers in [0, 2]:
        loader = DataLoader(csv_data, batch_size=25, num_workers=workers,
                            collate_fn=collate_and_tag)
        batches = list(loader)
        print(f"num_workers={workers}: batches made by",
              [worker for _, worker in batches])
        loaded[workers] = torch.cat([xb for (xb, _), _ in batches])
    print("same samples in the same order:",
          torch.equal(loaded[0], loaded[2]))


if __name__ == "__main__":
    main()
# --8<-- [end:worker-processes]

# --8<-- [start:exercise-epoch-loss]
loader = DataLoader(train_data, batch_size=32, shuffle=False)
model.eval()
with torch.no_grad():
    losses, sizes = [], []
    for x_batch, y_batch in loader:
        x_batch, y_batch = x_batch.to(device), y_batch.to(device)
        losses.append(loss_fn(model(x_batch), y_batch).item())
        sizes.append(len(x_batch))
    x_train = x_tensor[train_data.indices]
    y_train = y_tensor[train_data.indices]
    full = loss_fn(model(x_train.to(device)), y_train.to(device)).item()

print("batch sizes:", sizes)
print(f"plain mean of batch losses:    {np.mean(losses):.6f}")
weighted = np.average(losses, weights=sizes)
print(f"mean weighted by batch size:   {weighted:.6f}")
print(f"MSE over all training samples: {full:.6f}")
# --8<-- [end:exercise-epoch-loss]

# --8<-- [start:exercise-numpy-dataset]
numpy_loader = DataLoader(CustomDataset(x, y), batch_size=16)
x_batch, y_batch = next(iter(numpy_loader))
print(type(x_batch).__name__, x_batch.shape, x_batch.dtype)
try:
    model(x_batch.to(device))
except RuntimeError as err:
    print("RuntimeError:", err)
print(model(x_batch.float().to(device)).shape)
# --8<-- [end:exercise-numpy-dataset]

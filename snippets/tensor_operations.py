# Chapter: tensor operations: indexing, views, reductions, broadcasting.
# Pages: docs/zh/tensor-operations.md, docs/en/tensor-operations.md

# --8<-- [start:make-matrix]
import numpy as np
import torch

t = torch.arange(12).reshape(3, 4)
print(t)
print("shape:", t.shape, "| dtype:", t.dtype)
# --8<-- [end:make-matrix]

# --8<-- [start:basic-indexing]
print("t[1]:       ", t[1])
print("t[1, 2]:    ", t[1, 2], "shape", t[1, 2].shape)
print("t[:, 1]:    ", t[:, 1])
print("t[-1]:      ", t[-1])
print("t[::2, ::3]:", t[::2, ::3].tolist())
print("t[0:2, 1:3]:", t[0:2, 1:3].tolist(), "shape", t[0:2, 1:3].shape)
print("t[0].flip(0):", t[0].flip(0))
try:
    t[0, ::-1]
except ValueError as err:
    print("t[0, ::-1]:  ValueError:", err)
# --8<-- [end:basic-indexing]

# --8<-- [start:slice-is-view]
m = torch.arange(12).reshape(3, 4)
col = m[:, 1]
col[0] = 100  # write through the slice...
print(m)  # ...and the matrix changes
m[2, 1] = -1  # write to the matrix...
print(col)  # ...and the slice sees it
# --8<-- [end:slice-is-view]

# --8<-- [start:boolean-mask]
mask = t > 5
print(mask)
print("t[mask]:", t[mask], "shape", t[mask].shape)
print("even:   ", t[t % 2 == 0])

m = torch.arange(12).reshape(3, 4)
m[m > 5] = 0  # assigning through a mask writes into m
print(m)
# --8<-- [end:boolean-mask]

# --8<-- [start:fancy-indexing]
rows = t[[2, 0]]  # rows 2 and 0, in that order
print(rows)
print("t[[0, 1, 2], [3, 2, 1]]:", t[[0, 1, 2], [3, 2, 1]])

rows[0, 0] = 100
picked = t[t > 5]
picked[0] = 100
print("t after writing to both results:")
print(t)
# --8<-- [end:fancy-indexing]

# --8<-- [start:view-and-reshape]
print("t.view(4, 3):")
print(t.view(4, 3))
print("t.reshape(2, 6):", t.reshape(2, 6).tolist())
print("t.view(-1):", t.view(-1))
print("t.reshape(-1, 2).shape:", t.reshape(-1, 2).shape)
try:
    t.view(5, 2)
except RuntimeError as err:
    print("RuntimeError:", err)
# --8<-- [end:view-and-reshape]

# --8<-- [start:transpose-and-permute]
tt = t.T  # the same as t.transpose(0, 1)
print(tt)
print("t: ", t.stride(), t.is_contiguous())
print("tt:", tt.stride(), tt.is_contiguous())
print("same as transpose(0, 1):", torch.equal(tt, t.transpose(0, 1)))

img = torch.arange(24).reshape(2, 3, 4)  # channels, height, width
hwc = img.permute(1, 2, 0)  # height, width, channels
print("permute(1, 2, 0):", img.shape, "->", hwc.shape,
      "| contiguous:", hwc.is_contiguous())
# --8<-- [end:transpose-and-permute]

# --8<-- [start:view-error]
try:
    tt.view(12)
except RuntimeError as err:
    print("RuntimeError:", err)

print("tt.reshape(12):        ", tt.reshape(12))
ttc = tt.contiguous()
print("tt.contiguous():       ", ttc.stride(), ttc.is_contiguous())
print("tt.contiguous().view():", ttc.view(12))
# --8<-- [end:view-error]

# --8<-- [start:reduce-along-dim]
x = torch.arange(12.0).reshape(3, 4)  # 12.0: floats, so mean() works
print(x)
print("x.sum():         ", x.sum())
print("x.sum(dim=0):    ", x.sum(dim=0))
print("x.sum(dim=1):    ", x.sum(dim=1))
print("x.mean(dim=1):   ", x.mean(dim=1))
print("shapes:", x.sum(dim=0).shape, x.sum(dim=1).shape,
      x.sum(dim=1, keepdim=True).shape)
try:
    t.mean()
except RuntimeError as err:
    print("RuntimeError:", err)
# --8<-- [end:reduce-along-dim]

# --8<-- [start:max-and-argmax]
scores = torch.tensor([[0.1, 2.0, 0.3, 0.5],
                       [1.5, 0.2, 0.1, 0.9],
                       [0.3, 0.4, 2.2, 0.8]])
values, indices = scores.max(dim=1)
print("max over dim=1:", values, indices)
print("argmax(dim=1): ", scores.argmax(dim=1))
print("argmax(dim=0): ", scores.argmax(dim=0))
print("max():         ", scores.max(), "| argmax():", scores.argmax())
# --8<-- [end:max-and-argmax]

# --8<-- [start:cat-and-stack]
a = torch.zeros(2, 3)
b = torch.ones(2, 3)
print("cat dim=0:  ", torch.cat([a, b], dim=0).shape)
print("cat dim=1:  ", torch.cat([a, b], dim=1).shape)
print("stack dim=0:", torch.stack([a, b], dim=0).shape)
print("stack dim=2:", torch.stack([a, b], dim=2).shape)
try:
    torch.stack([a, torch.ones(1, 3)])
except RuntimeError as err:
    print("RuntimeError:", err)
print("cat of (2, 3) and (1, 3):", torch.cat([a, torch.ones(1, 3)]).shape)
# --8<-- [end:cat-and-stack]

# --8<-- [start:squeeze-and-unsqueeze]
v = torch.tensor([1.0, 2.0, 3.0])
print("v:             ", v.shape)
print("v.unsqueeze(0):", v.unsqueeze(0).shape, "| v[None]:   ",
      v[None].shape)
print("v.unsqueeze(1):", v.unsqueeze(1).shape, "| v[:, None]:",
      v[:, None].shape)

c = torch.zeros(1, 3, 1)
print("c.squeeze(2):", c.squeeze(2).shape,
      "| c.squeeze():", c.squeeze().shape)
one = torch.zeros(1, 1)  # one sample, one feature
print("(1, 1).squeeze():", one.squeeze().shape,
      "| .squeeze(1):", one.squeeze(1).shape)
# --8<-- [end:squeeze-and-unsqueeze]

# --8<-- [start:broadcasting-rules]
pairs = [((3, 4), (4,)), ((3, 4), (3, 1)), ((3, 1), (1, 4)),
         ((2, 3, 4), (3, 1)), ((3, 4), (3,))]
for left, right in pairs:
    try:
        shape = (torch.zeros(left) + torch.zeros(right)).shape
        print(f"{str(left):>9} + {str(right):<6} -> {tuple(shape)}")
    except RuntimeError as err:
        print(f"{str(left):>9} + {str(right):<6} -> RuntimeError: {err}")

print(torch.arange(3)[:, None] * 10 + torch.arange(4))
# --8<-- [end:broadcasting-rules]

# --8<-- [start:broadcasting-keepdim]
try:
    x - x.mean(dim=1)
except RuntimeError as err:
    print("RuntimeError:", err)
centered = x - x.mean(dim=1, keepdim=True)
print(centered)
print("column means removed:", (x - x.mean(dim=0)).sum(dim=0))
# --8<-- [end:broadcasting-keepdim]

# --8<-- [start:make-data]
rng = np.random.default_rng(42)
x_all = rng.uniform(0, 1, size=(100, 1))
y_all = 1 + 2 * x_all + 0.1 * rng.standard_normal(size=(100, 1))
train_idx = rng.permutation(100)[:80]
x_train = torch.from_numpy(x_all[train_idx]).float()
y_train = torch.from_numpy(y_all[train_idx]).float()

X = torch.cat([torch.ones(80, 1), x_train], dim=1)  # (80, 2)
print("X:", X.shape, "| y_train:", y_train.shape)
# --8<-- [end:make-data]

# --8<-- [start:shape-trap]
w = torch.tensor([1.0, 2.0])  # a = 1, b = 2, shape (2,)
pred = X @ w
print("pred:", pred.shape, "| y_train - pred:", (y_train - pred).shape)

wrong = ((y_train - pred) ** 2).mean()
right = ((y_train - pred.unsqueeze(1)) ** 2).mean()
diagonal = ((y_train - pred).diagonal() ** 2).mean()
print(f"MSE: wrong {wrong:.4f}, right {right:.4f}, "
      f"diagonal of the wrong one {diagonal:.4f}")
# --8<-- [end:shape-trap]

# --8<-- [start:share-or-copy]
def shares(a, b):
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


results = [
    ("t[1:, ::2]", t[1:, ::2]),
    ("t.view(12)", t.view(12)),
    ("t.reshape(2, 6)", t.reshape(2, 6)),
    ("t.T", t.T),
    ("t.unsqueeze(0)", t.unsqueeze(0)),
    ("t[None].squeeze(0)", t[None].squeeze(0)),
    ("t[:, :1].expand(3, 4)", t[:, :1].expand(3, 4)),
    ("t.detach()", t.detach()),
    ("t.contiguous()", t.contiguous()),
    ("t[[0, 2]]", t[[0, 2]]),
    ("t[t > 5]", t[t > 5]),
    ("t.T.reshape(12)", t.T.reshape(12)),
    ("t.T.contiguous()", t.T.contiguous()),
    ("t.clone()", t.clone()),
    ("torch.cat([t, t])", torch.cat([t, t])),
    ("torch.stack([t, t])", torch.stack([t, t])),
]
for name, result in results:
    print(f"{name:<22} shares memory with t: {shares(result, t)}")
# --8<-- [end:share-or-copy]

# --8<-- [start:expand-stride]
col = torch.tensor([[1], [2], [3]])
wide = col.expand(3, 4)
print(wide)
print("stride:", wide.stride(), "| shares memory:", shares(wide, col))
col[0, 0] = 100
print("row 0 after col[0, 0] = 100:", wide[0])
# --8<-- [end:expand-stride]

# --8<-- [start:exercise-flatten-images]
batch = torch.arange(24).reshape(2, 2, 2, 3)  # N, H, W, C
nchw = batch.permute(0, 3, 1, 2)  # N, C, H, W
print("permuted:", nchw.shape, "contiguous:", nchw.is_contiguous())
try:
    nchw.view(2, -1)
except RuntimeError as err:
    print("RuntimeError:", err)
flat = nchw.reshape(2, -1)  # or nchw.contiguous().view(2, -1)
print("flat:", flat.shape, "| shares memory with batch:",
      shares(flat, batch))
print("sample 0, channel 0:", flat[0, :4].tolist())
# --8<-- [end:exercise-flatten-images]

# --8<-- [start:exercise-pairwise-distances]
points = torch.tensor([[0.0, 0.0], [3.0, 4.0], [1.0, 1.0]])  # (3, 2)
centers = torch.tensor([[0.0, 0.0], [3.0, 0.0]])  # (2, 2)

diff = points[:, None, :] - centers[None, :, :]  # (3, 1, 2) - (1, 2, 2)
dist = (diff ** 2).sum(dim=2).sqrt()
print("diff:", diff.shape, "| dist:", dist.shape)
print(dist)
print("nearest center:", dist.argmin(dim=1))
print("same as torch.cdist:",
      torch.allclose(dist, torch.cdist(points, centers)))
# --8<-- [end:exercise-pairwise-distances]

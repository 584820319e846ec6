# Chapter: linear regression and gradient descent, by hand, in NumPy.
# Pages: docs/zh/linear-regression.md, docs/en/linear-regression.md

# --8<-- [start:make-data]
import numpy as np

rng = np.random.default_rng(42)
x = rng.uniform(0, 1, size=(100, 1))
epsilon = 0.1 * rng.standard_normal(size=(100, 1))
y = 1 + 2 * x + epsilon

print("random numbers from:", type(rng).__name__, "with",
      type(rng.bit_generator).__name__)
print("x:", x.shape, "y:", y.shape)
print("first three points:")
print(np.hstack([x, y])[:3].round(4))
# --8<-- [end:make-data]

# --8<-- [start:split]
idx = rng.permutation(100)
train_idx, val_idx = idx[:80], idx[80:]
x_train, y_train = x[train_idx], y[train_idx]
x_val, y_val = x[val_idx], y[val_idx]

print("training:", x_train.shape, "validation:", x_val.shape)
# --8<-- [end:split]

# --8<-- [start:init]
a, b = rng.standard_normal(2)
print(f"random start: a = {a:.4f}, b = {b:.4f}")
# --8<-- [end:init]

# --8<-- [start:one-step]
lr = 0.1

yhat = a + b * x_train                    # forward pass
error = yhat - y_train
loss = (error**2).mean()                  # mean squared error

a_grad = 2 * error.mean()                 # dMSE/da
b_grad = 2 * (x_train * error).mean()     # dMSE/db

a, b = a - lr * a_grad, b - lr * b_grad   # step against the gradient

print(f"loss before the step: {loss:.4f}")
print(f"gradients: dMSE/da = {a_grad:.4f}, dMSE/db = {b_grad:.4f}")
print(f"after one step: a = {a:.4f}, b = {b:.4f}")
# --8<-- [end:one-step]

# --8<-- [start:train]
def train(a, b, lr=0.1, n_epochs=1000):
    for epoch in range(n_epochs):
        yhat = a + b * x_train
        error = yhat - y_train
        a_grad = 2 * error.mean()
        b_grad = 2 * (x_train * error).mean()
        a, b = a - lr * a_grad, b - lr * b_grad
    return a, b


a, b = train(a, b)
val_loss = ((a + b * x_val - y_val) ** 2).mean()
print(f"after 1000 epochs: a = {a:.6f}, b = {b:.6f}")
print(f"validation MSE: {val_loss:.6f}")
# --8<-- [end:train]

# --8<-- [start:sklearn-check]
from sklearn.linear_model import LinearRegression

reference = LinearRegression().fit(x_train, y_train)
a_ref, b_ref = reference.intercept_[0], reference.coef_[0, 0]
print(f"scikit-learn:      a = {a_ref:.6f}, b = {b_ref:.6f}")
print(f"gradient descent:  a = {a:.6f}, b = {b:.6f}")
print(f"largest difference: {max(abs(a - a_ref), abs(b - b_ref)):.1e}")
# --8<-- [end:sklearn-check]

# --8<-- [start:mini-batch]
def train_in_batches(batch_size, lr=0.1, n_epochs=50, seed=0):
    batch_rng = np.random.default_rng(seed)
    a, b = 0.0, 0.0
    updates = 0
    for epoch in range(n_epochs):
        order = batch_rng.permutation(len(x_train))
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            xb, yb = x_train[batch], y_train[batch]
            error = a + b * xb - yb
            a -= lr * 2 * error.mean()
            b -= lr * 2 * (xb * error).mean()
            updates += 1
    return a, b, updates


for name, size in [("batch", 80), ("mini-batch", 16), ("stochastic", 1)]:
    a_, b_, updates = train_in_batches(size)
    print(f"{name:>10}, batch size {size:2}: {updates:4} updates, "
          f"a = {a_:.4f}, b = {b_:.4f}")
# --8<-- [end:mini-batch]

# --8<-- [start:exercise-lr]
for lr in [0.01, 0.1, 0.5, 1.0]:
    a_, b_ = train(0.0, 0.0, lr=lr, n_epochs=100)
    loss = ((a_ + b_ * x_train - y_train) ** 2).mean()
    print(f"lr = {lr:<4}: a = {a_:10.4g}, b = {b_:10.4g}, "
          f"training MSE = {loss:.4g}")

# The MSE is a quadratic bowl; steps diverge once lr exceeds
# 2 / (its steepest curvature).
m1, m2 = x_train.mean(), (x_train**2).mean()
curvature = 2 * np.array([[1, m1], [m1, m2]])
limit = 2 / np.linalg.eigvalsh(curvature).max()
print(f"gradient descent diverges here for lr > {limit:.3f}")
# --8<-- [end:exercise-lr]

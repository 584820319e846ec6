# Chapter: models as classes, nn.Module, nn.Linear and nn.Sequential.
# Pages: docs/zh/models.md, docs/en/models.md

# --8<-- [start:data]
import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim

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
      "on", x_train.device)
# --8<-- [end:data]

# --8<-- [start:manual-model]
class ManualLinearRegression(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Parameter(torch.randn(1))
        self.b = nn.Parameter(torch.randn(1))

    def forward(self, x):
        return self.a + self.b * x


torch.manual_seed(42)
model = ManualLinearRegression()
print(model)
print("a:", model.a)
# --8<-- [end:manual-model]

# --8<-- [start:forgot-super]
class Broken(nn.Module):
    def __init__(self):
        self.a = nn.Parameter(torch.randn(1))  # no super().__init__() first


try:
    Broken()
except AttributeError as err:
    print("AttributeError:", err)
# --8<-- [end:forgot-super]

# --8<-- [start:parameters]
print(list(model.parameters()))
for name, param in model.named_parameters():
    print(f"{name}: shape {tuple(param.shape)}, value {param.item():.4f}, "
          f"leaf {param.is_leaf}")
# --8<-- [end:parameters]

# --8<-- [start:state-dict]
state = model.state_dict()
print(type(state).__name__, list(state.keys()))
print(state)
# --8<-- [end:state-dict]

# --8<-- [start:call-vs-forward]
def report(module, inputs, output):
    print(f"  hook: {type(module).__name__} got {tuple(inputs[0].shape)}, "
          f"returned {tuple(output.shape)}")


handle = model.register_forward_hook(report)
print("model(x_train):")
yhat = model(x_train)
print("model.forward(x_train):")
yhat = model.forward(x_train)
handle.remove()
print("after remove(), model(x_train):")
yhat = model(x_train)
# --8<-- [end:call-vs-forward]

# --8<-- [start:plain-tensor]
class HalfFrozen(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.randn(1)  # a plain tensor: not registered
        self.b = nn.Parameter(torch.randn(1))

    def forward(self, x):
        return self.a + self.b * x


half = HalfFrozen()
print("parameters:", [name for name, _ in half.named_parameters()])
print("state_dict:", list(half.state_dict().keys()))
half.to(torch.float64)
print("after .to(torch.float64): a is", half.a.dtype, "| b is", half.b.dtype)
# --8<-- [end:plain-tensor]

# --8<-- [start:buffer]
class FixedIntercept(nn.Module):
    def __init__(self):
        super().__init__()
        # saved and moved with the model, never learnt
        self.register_buffer("a", torch.randn(1))
        self.b = nn.Parameter(torch.randn(1))

    def forward(self, x):
        return self.a + self.b * x


fixed = FixedIntercept()
print("parameters:", [name for name, _ in fixed.named_parameters()])
print("state_dict:", list(fixed.state_dict().keys()))
fixed.to(torch.float64)
print("after .to(torch.float64): a is", fixed.a.dtype,
      "| b is", fixed.b.dtype)
# --8<-- [end:buffer]

# --8<-- [start:to-device]
print("same object:", model.to(device) is model)
for name, param in model.named_parameters():
    print(f"{name}: {param.device}, leaf {param.is_leaf}, "
          f"requires_grad {param.requires_grad}")
# --8<-- [end:to-device]

# --8<-- [start:train-manual]
import copy


def train(model, n_epochs=1000, lr=0.1):
    optimizer = optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    model.train()
    for epoch in range(n_epochs):
        loss = loss_fn(model(x_train), y_train)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    return loss.item()


live = model.state_dict()
snapshot = copy.deepcopy(model.state_dict())
loss = train(model)
print(f"after 1000 epochs: a = {model.a.item():.4f}, "
      f"b = {model.b.item():.4f}, loss {loss:.6f}")
for name, state in [("live state_dict:", live), ("deep copy:", snapshot)]:
    print(f"{name:18} a = {state['a'].item():.4f}, "
          f"b = {state['b'].item():.4f}")
# --8<-- [end:train-manual]

# --8<-- [start:nn-linear]
torch.manual_seed(42)
linear = nn.Linear(1, 1)
print(linear)
print(linear.weight)
print(linear.bias)
# --8<-- [end:nn-linear]

# --8<-- [start:linear-formula]
layer = nn.Linear(3, 2).to(device)
inputs = torch.randn(4, 3, device=device)
print("weight:", tuple(layer.weight.shape), "bias:", tuple(layer.bias.shape))
print("output:", tuple(layer(inputs).shape))
by_hand = inputs @ layer.weight.T + layer.bias
print("layer(x) matches x @ W.T + b:", torch.allclose(layer(inputs), by_hand))
# --8<-- [end:linear-formula]

# --8<-- [start:nested-model]
class MyLinearRegression(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(1, 1)

    def forward(self, x):
        return self.linear(x)


torch.manual_seed(42)
nested = MyLinearRegression().to(device)
print(nested)
for name, param in nested.named_parameters():
    print(f"{name}: shape {tuple(param.shape)}")
# --8<-- [end:nested-model]

# --8<-- [start:sequential]
torch.manual_seed(42)
seq_model = nn.Sequential(nn.Linear(1, 1)).to(device)
print(seq_model)
print(list(seq_model.state_dict().keys()))

loss = train(seq_model)
weight, bias = seq_model[0].weight.item(), seq_model[0].bias.item()
print(f"after 1000 epochs: weight = {weight:.4f}, bias = {bias:.4f}, "
      f"loss {loss:.6f}")
# --8<-- [end:sequential]

# --8<-- [start:train-eval]
print("training mode:", seq_model.training)
seq_model.eval()
print("after eval():", seq_model.training,
      "| its Linear:", seq_model[0].training)
with torch.no_grad():
    out_eval = seq_model(x_val)
    seq_model.train()
    out_train = seq_model(x_val)
print("back to training mode:", seq_model.training)
print("Linear gives the same output in both modes:",
      torch.equal(out_eval, out_train))

dropout = nn.Dropout(p=0.5)
ones = torch.ones(8, device=device)
torch.manual_seed(42)
print("train():", dropout(ones))
dropout.eval()
print("eval(): ", dropout(ones))
# --8<-- [end:train-eval]

# --8<-- [start:freeze]
torch.manual_seed(42)
frozen = ManualLinearRegression().to(device)
frozen.b.requires_grad_(False)
print(f"before: a = {frozen.a.item():.4f}, b = {frozen.b.item():.4f}")

loss = train(frozen, n_epochs=300)
print(f"after:  a = {frozen.a.item():.4f}, b = {frozen.b.item():.4f}, "
      f"loss {loss:.6f}")
print("gradient of b:", frozen.b.grad)
best_a = (y_train - frozen.b * x_train).mean().item()
print(f"best a for this fixed b: {best_a:.4f}")
# --8<-- [end:freeze]

# --8<-- [start:exercise-count]
torch.manual_seed(42)
two_layers = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 1))
for name, param in two_layers.named_parameters():
    print(f"{name}: shape {tuple(param.shape)}, numel {param.numel()}")
print("total:", sum(param.numel() for param in two_layers.parameters()))
# --8<-- [end:exercise-count]

# --8<-- [start:exercise-load]
copy_of_model = MyLinearRegression().to(device)
try:
    copy_of_model.load_state_dict(model.state_dict())
except RuntimeError as err:
    print("RuntimeError:", err)

renamed = {"linear.weight": model.b.detach().view(1, 1),
           "linear.bias": model.a.detach()}
result = copy_of_model.load_state_dict(renamed)
print(result)
with torch.no_grad():
    print("same predictions:",
          torch.allclose(copy_of_model(x_val), model(x_val)))
# --8<-- [end:exercise-load]

# Chapter: nonlinear models: activation functions, MLPs, initialisation,
# dead ReLUs and vanishing gradients.
# Pages: docs/zh/nonlinear-models.md, docs/en/nonlinear-models.md

# --8<-- [start:activations]
import torch
import torch.nn as nn

device = "cuda" if torch.cuda.is_available() else "cpu"

z = torch.tensor([-3.0, -1.0, 0.0, 1.0, 3.0], device=device)
print("z:      ", z)
print("ReLU:   ", torch.relu(z))
print("sigmoid:", torch.sigmoid(z))
print("tanh:   ", torch.tanh(z))
print("nn.ReLU() gives the same:", torch.equal(nn.ReLU()(z), torch.relu(z)))
# --8<-- [end:activations]

# --8<-- [start:activation-gradients]
activations = {"ReLU": torch.relu, "sigmoid": torch.sigmoid,
               "tanh": torch.tanh}
grid = (torch.arange(-600, 601) / 100).to(device)
values, slopes = {}, {}
for name, f in activations.items():
    x = grid.clone().requires_grad_(True)
    y = f(x)
    y.sum().backward()
    values[name], slopes[name] = y.detach(), x.grad
    print(f"{name:7} slope: largest {x.grad.max().item():.4f}, "
          f"at z = 0: {x.grad[grid == 0].item():.4f}, "
          f"at z = 6: {x.grad[-1].item():.6f}")

print("ReLU slopes that occur:", torch.unique(slopes["ReLU"]).tolist())
# --8<-- [end:activation-gradients]

# --8<-- [start:activation-plot]
import matplotlib.pyplot as plt

fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.2))
for name in activations:
    left.plot(grid.cpu(), values[name].cpu(), label=name)
    right.plot(grid.cpu(), slopes[name].cpu(), label=name)
left.set_ylim(-1.5, 3)
left.set_title("$f(z)$")
right.set_title("$f'(z)$")
for ax in (left, right):
    ax.set_xlabel("$z$")
    ax.grid(alpha=0.3)
    ax.legend()
fig.tight_layout()
plt.show()
# --8<-- [end:activation-plot]

# --8<-- [start:two-linear-layers]
torch.manual_seed(0)
first, second = nn.Linear(3, 4), nn.Linear(4, 2)
stacked = nn.Sequential(first, second).to(device)

single = nn.Linear(3, 2).to(device)
with torch.no_grad():
    W = second.weight @ first.weight
    b = second.weight @ first.bias + second.bias
    single.weight.copy_(W)
    single.bias.copy_(b)

inputs = torch.randn(5, 3, device=device)
out_two, out_one = stacked(inputs), single(inputs)
print("W:", tuple(W.shape), "b:", tuple(b.shape))
print(f"largest difference: {(out_two - out_one).abs().max().item():.1e}")
print("allclose, default tolerances:", torch.allclose(out_two, out_one))
print("allclose, atol=1e-6:         ",
      torch.allclose(out_two, out_one, atol=1e-6))

with_relu = nn.Sequential(first, nn.ReLU(), second)
out_relu = with_relu(inputs)
print(f"with a ReLU between, largest difference: "
      f"{(out_relu - out_one).abs().max().item():.4f}")
print("allclose, atol=1e-6:",
      torch.allclose(out_relu, out_one, atol=1e-6))
# --8<-- [end:two-linear-layers]

# --8<-- [start:curve-data]
gen = torch.Generator().manual_seed(42)
x_cpu = torch.rand(200, 1, generator=gen) * 6 - 3
y_cpu = torch.sin(x_cpu) + 0.1 * torch.randn(200, 1, generator=gen)
x_train, y_train = x_cpu.to(device), y_cpu.to(device)
noise = ((y_cpu - torch.sin(x_cpu)) ** 2).mean().item()
print("x:", tuple(x_train.shape), "from", f"{x_train.min().item():.3f}",
      "to", f"{x_train.max().item():.3f}", "on", x_train.device)
print(f"mean squared noise: {noise:.4f}")
# --8<-- [end:curve-data]

# --8<-- [start:fit-line-and-mlp]
def fit(model, n_epochs=300, lr=0.02):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    for epoch in range(n_epochs):
        loss = loss_fn(model(x_train), y_train)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    return loss.item()


torch.manual_seed(42)
line = nn.Linear(1, 1).to(device)
torch.manual_seed(42)
mlp = nn.Sequential(
    nn.Linear(1, 32),
    nn.ReLU(),
    nn.Linear(32, 1),
).to(device)
print(mlp)

print(f"linear model: loss {fit(line):.4f}")
print(f"MLP:          loss {fit(mlp):.4f}")
# --8<-- [end:fit-line-and-mlp]

# --8<-- [start:fit-plot-en]
import matplotlib.pyplot as plt

x_plot = torch.linspace(-3, 3, 301, device=device).unsqueeze(1)
with torch.no_grad():
    line_plot, mlp_plot = line(x_plot), mlp(x_plot)

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.scatter(x_train.cpu(), y_train.cpu(), s=8, color="gray", label="data")
ax.plot(x_plot.cpu(), line_plot.cpu(), label="linear model")
ax.plot(x_plot.cpu(), mlp_plot.cpu(), label="MLP")
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.set_title("y = sin(x) + noise")
ax.legend()
fig.tight_layout()
plt.show()
# --8<-- [end:fit-plot-en]

# --8<-- [start:fit-plot-zh]
import matplotlib.pyplot as plt

plt.rcParams["font.sans-serif"] = [
    "Noto Sans CJK SC", "Noto Sans CJK JP", "Microsoft YaHei", "PingFang SC",
    "SimHei", "DejaVu Sans"]
plt.rcParams["axes.unicode_minus"] = False

x_plot = torch.linspace(-3, 3, 301, device=device).unsqueeze(1)
with torch.no_grad():
    line_plot, mlp_plot = line(x_plot), mlp(x_plot)

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.scatter(x_train.cpu(), y_train.cpu(), s=8, color="gray", label="数据")
ax.plot(x_plot.cpu(), line_plot.cpu(), label="线性模型")
ax.plot(x_plot.cpu(), mlp_plot.cpu(), label="MLP")
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.set_title("y = sin(x) + 噪声")
ax.legend()
fig.tight_layout()
plt.show()
# --8<-- [end:fit-plot-zh]

# --8<-- [start:default-init]
import math

big = nn.Linear(400, 1000)
bound = 1 / math.sqrt(big.in_features)
print(f"1 / sqrt(400) = {bound:.4f}")
print(f"weight: min {big.weight.min().item():.4f}, "
      f"max {big.weight.max().item():.4f}, "
      f"std {big.weight.std().item():.4f}")
print(f"bias:   min {big.bias.min().item():.4f}, "
      f"max {big.bias.max().item():.4f}")
print(f"std of uniform(-bound, bound) = bound / sqrt(3) = "
      f"{bound / math.sqrt(3):.4f}")
# --8<-- [end:default-init]

# --8<-- [start:seeded-init]
torch.manual_seed(0)
a = nn.Linear(3, 2)
torch.manual_seed(0)
b = nn.Linear(3, 2)
c = nn.Linear(3, 2)
print("a and b, same seed:", torch.equal(a.weight, b.weight))
print("c, drawn next:     ", torch.equal(a.weight, c.weight))
# --8<-- [end:seeded-init]

# --8<-- [start:constant-init]
for value in (0.0, 0.5):
    torch.manual_seed(42)
    model = nn.Sequential(nn.Linear(1, 32), nn.ReLU(),
                          nn.Linear(32, 1)).to(device)
    with torch.no_grad():
        for param in model.parameters():
            param.fill_(value)
    loss = fit(model)
    hidden = model[0].weight
    distinct = torch.unique(hidden).numel()
    print(f"all {value}: loss {loss:.4f}, distinct first-layer weights:",
          distinct, hidden[:3, 0].detach())
print(f"variance of y: {y_train.var(correction=0).item():.4f}")
# --8<-- [end:constant-init]

# --8<-- [start:dead-relu]
torch.manual_seed(42)
net = nn.Sequential(nn.Linear(1, 8), nn.ReLU(), nn.Linear(8, 1)).to(device)
with torch.no_grad():
    net[0].bias[:4] = -10.0
before = net[0].weight.detach().clone()


def dead_units(net):
    with torch.no_grad():
        hidden = net[1](net[0](x_train))
    return (hidden == 0).all(dim=0)


dead = dead_units(net)
print("dead units:", dead.tolist())
nn.MSELoss()(net(x_train), y_train).backward()
grad = net[0].weight.grad.flatten()
print("weight gradients:", grad)
print("exactly 0 for the dead units:", torch.all(grad[dead] == 0).item())
net.zero_grad()

fit(net)
print("dead after training:", dead_units(net).tolist())
print("their weights never moved:",
      torch.equal(net[0].weight[dead], before[dead]))
# --8<-- [end:dead-relu]

# --8<-- [start:vanishing-gradients]
torch.manual_seed(0)
batch = torch.randn(64, 32, device=device)


def first_layer_grad(activation, depth, kaiming=False):
    torch.manual_seed(0)
    layers = []
    for _ in range(depth):
        layer = nn.Linear(32, 32)
        if kaiming:
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            nn.init.zeros_(layer.bias)
        layers += [layer, activation()]
    stack = nn.Sequential(*layers).to(device)
    stack(batch).sum().backward()
    return torch.linalg.vector_norm(stack[0].weight.grad).item()


print("depth   sigmoid     ReLU   ReLU, Kaiming init")
for depth in (1, 2, 5, 10, 20):
    print(f"{depth:5} {first_layer_grad(nn.Sigmoid, depth):9.2e} "
          f"{first_layer_grad(nn.ReLU, depth):9.2e} "
          f"{first_layer_grad(nn.ReLU, depth, kaiming=True):9.2e}")
# --8<-- [end:vanishing-gradients]

# --8<-- [start:exercise-sigmoid-slope]
x = torch.linspace(-6, 6, 1201, device=device, requires_grad=True)
s = torch.sigmoid(x)
s.sum().backward()
formula = (s * (1 - s)).detach()
print("autograd slope == s * (1 - s):", torch.allclose(x.grad, formula))
print("largest value of s * (1 - s):", formula.max().item())
# --8<-- [end:exercise-sigmoid-slope]

# --8<-- [start:exercise-leaky-relu]
torch.manual_seed(42)
leaky = nn.Sequential(nn.Linear(1, 8), nn.LeakyReLU(0.01),
                      nn.Linear(8, 1)).to(device)
with torch.no_grad():
    leaky[0].bias[:4] = -10.0
nn.MSELoss()(leaky(x_train), y_train).backward()
print("weight gradients:", leaky[0].weight.grad.flatten())
# --8<-- [end:exercise-leaky-relu]

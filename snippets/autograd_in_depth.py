# Chapter: autograd in depth.
# Pages: docs/zh/autograd-in-depth.md, docs/en/autograd-in-depth.md

# --8<-- [start:chain-forward]
import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor(2.0, device=device)
t = torch.tensor(1.0, device=device)
w = torch.tensor(0.5, requires_grad=True, device=device)
b = torch.tensor(-0.5, requires_grad=True, device=device)

z = w * x + b
y = torch.sigmoid(z)
loss = (y - t) ** 2
print(f"z = {z.item():.6f}, y = {y.item():.6f}, loss = {loss.item():.6f}")
# --8<-- [end:chain-forward]

# --8<-- [start:chain-by-hand]
with torch.no_grad():
    dloss_dy = 2 * (y - t)
    dy_dz = y * (1 - y)
    dz_dw = x
    dz_db = torch.tensor(1.0, device=device)
    by_hand_w = dloss_dy * dy_dz * dz_dw
    by_hand_b = dloss_dy * dy_dz * dz_db

print(f"dloss/dy = {dloss_dy.item():.6f}, dy/dz = {dy_dz.item():.6f}, "
      f"dz/dw = {dz_dw.item():.1f}, dz/db = {dz_db.item():.1f}")

loss.backward()
print(f"w: by hand {by_hand_w.item():.6f}, backward() {w.grad.item():.6f}")
print(f"b: by hand {by_hand_b.item():.6f}, backward() {b.grad.item():.6f}")
print("allclose:", torch.allclose(by_hand_w, w.grad),
      torch.allclose(by_hand_b, b.grad))
# --8<-- [end:chain-by-hand]

# --8<-- [start:non-leaf-grad]
print("z is a leaf:", z.is_leaf, "| z.grad:", z.grad)
# --8<-- [end:non-leaf-grad]

# --8<-- [start:retain-grad]
w.grad, b.grad = None, None
z = w * x + b
y = torch.sigmoid(z)
z.retain_grad()
y.retain_grad()
loss = (y - t) ** 2
loss.backward()

print(f"y.grad = {y.grad.item():.6f}  (dloss/dy = {dloss_dy.item():.6f})")
print(f"z.grad = {z.grad.item():.6f}  (dloss/dy * dy/dz = "
      f"{(dloss_dy * dy_dz).item():.6f})")
# --8<-- [end:retain-grad]

# --8<-- [start:vector-backward-error]
W = torch.tensor([[1.0, 2.0, 3.0],
                  [0.0, -1.0, 4.0]], device=device)
v_in = torch.tensor([1.0, 1.0, 1.0], requires_grad=True, device=device)
out = W @ v_in
print("out:", out, "| shape:", tuple(out.shape))
try:
    out.backward()
except RuntimeError as err:
    print("RuntimeError:", err)
# --8<-- [end:vector-backward-error]

# --8<-- [start:vector-jacobian-product]
u = torch.tensor([1.0, 10.0], device=device)
out.backward(gradient=u)
print("v_in.grad:", v_in.grad)
print("W.T @ u:  ", W.T @ u)
# --8<-- [end:vector-jacobian-product]

# --8<-- [start:ones-like-is-sum]
v_in.grad = None
(W @ v_in).backward(torch.ones_like(out))
with_ones = v_in.grad.clone()

v_in.grad = None
(W @ v_in).sum().backward()
print("ones_like:", with_ones, "| sum():", v_in.grad)
print("equal:", torch.equal(with_ones, v_in.grad))
# --8<-- [end:ones-like-is-sum]

# --8<-- [start:autograd-grad]
w.grad, b.grad = None, None
loss = (torch.sigmoid(w * x + b) - t) ** 2
grad_w, grad_b = torch.autograd.grad(loss, [w, b])
print(f"returned: {grad_w.item():.6f}, {grad_b.item():.6f}")
print("w.grad:", w.grad, "| b.grad:", b.grad)
# --8<-- [end:autograd-grad]

# --8<-- [start:second-derivative]
s = torch.tensor(3.0, requires_grad=True, device=device)

(first,) = torch.autograd.grad(s**3, s)
print("first without create_graph:", first, "| requires_grad:",
      first.requires_grad)
try:
    torch.autograd.grad(first, s)
except RuntimeError as err:
    print("RuntimeError:", err)

(first,) = torch.autograd.grad(s**3, s, create_graph=True)
(second,) = torch.autograd.grad(first, s)
print("first with create_graph:   ", first)
print("second:", second, "| 3s^2 =", 3 * 3.0**2, "| 6s =", 6 * 3.0)
# --8<-- [end:second-derivative]

# --8<-- [start:integer-requires-grad]
try:
    torch.tensor([1, 2, 3], requires_grad=True, device=device)
except RuntimeError as err:
    print("RuntimeError:", err)
try:
    torch.tensor([1, 2, 3], device=device).requires_grad_()
except RuntimeError as err:
    print("RuntimeError:", err)

for value in ([1.0, 2.0], [1 + 2j, 3j]):
    ok = torch.tensor(value, requires_grad=True, device=device)
    print(ok.dtype, "requires_grad:", ok.requires_grad)
# --8<-- [end:integer-requires-grad]

# --8<-- [start:three-ways]
p = torch.tensor([1.0, 2.0, 3.0], requires_grad=True, device=device)

detached = (p * 2).detach()
with torch.no_grad():
    no_grad_out = p * 2
with torch.inference_mode():
    inference_out = p * 2

for name, r in [("detach()", detached), ("no_grad()", no_grad_out),
                ("inference_mode()", inference_out)]:
    print(f"{name:>16}: requires_grad={r.requires_grad}, "
          f"grad_fn={r.grad_fn}, is_inference={r.is_inference()}")
# --8<-- [end:three-ways]

# --8<-- [start:inference-tensor-later]
(no_grad_out * p).sum().backward()
print("no_grad() result used later, p.grad:", p.grad)

p.grad = None
try:
    (inference_out * p).sum().backward()
except RuntimeError as err:
    print("RuntimeError:", err)

(inference_out.clone() * p).sum().backward()
print("with a clone, p.grad:", p.grad)
# --8<-- [end:inference-tensor-later]

# --8<-- [start:finite-differences]
def sigmoid_loss(params, x, t):
    return (torch.sigmoid(params[0] * x + params[1]) - t) ** 2


def central_differences(f, params, eps):
    grads = torch.zeros_like(params)
    with torch.no_grad():
        for i in range(len(params)):
            step = torch.zeros_like(params)
            step[i] = eps
            grads[i] = (f(params + step) - f(params - step)) / (2 * eps)
    return grads


for dtype in (torch.float64, torch.float32):
    params = torch.tensor([0.5, -0.5], dtype=dtype, requires_grad=True,
                          device=device)
    xd, td = x.to(dtype), t.to(dtype)
    (auto,) = torch.autograd.grad(sigmoid_loss(params, xd, td), params)
    numeric = central_differences(lambda q: sigmoid_loss(q, xd, td),
                                  params, eps=1e-6)
    print(f"{dtype}: finite differences", [f"{g:.10f}" for g in numeric])
    print(f"{dtype}: autograd          ", [f"{g:.10f}" for g in auto])
    print(f"{dtype}: largest difference {(numeric - auto).abs().max():.1e}")
    print(f"{dtype}: machine epsilon    {torch.finfo(dtype).eps:.1e}")
# --8<-- [end:finite-differences]

# --8<-- [start:gradcheck]
def predict(params, xs):
    return torch.sigmoid(params[0] * xs + params[1])


xs = torch.tensor([-1.0, 0.0, 2.0], dtype=torch.float64, device=device)
params = torch.tensor([0.5, -0.5], dtype=torch.float64, requires_grad=True,
                      device=device)
print("float64:", torch.autograd.gradcheck(predict, (params, xs)))

params32 = params.detach().float().requires_grad_()
try:
    torch.autograd.gradcheck(predict, (params32, xs.float()))
except RuntimeError as err:
    print(f"{type(err).__name__}:", str(err).strip())
# --8<-- [end:gradcheck]

# --8<-- [start:exercise-jacobian]
q = torch.tensor([0.2, -0.1, 0.1], requires_grad=True, device=device)
r = torch.tanh(W @ q)

rows = []
for i in range(len(r)):
    one_hot = torch.zeros_like(r)
    one_hot[i] = 1.0
    (row,) = torch.autograd.grad(r, q, grad_outputs=one_hot,
                                 retain_graph=True)
    rows.append(row)
jacobian = torch.stack(rows)

print("W @ q:", (W @ q).detach())
print(jacobian)
reference = torch.autograd.functional.jacobian(lambda q: torch.tanh(W @ q), q)
print("same as torch.autograd.functional.jacobian:",
      torch.allclose(jacobian, reference))
# --8<-- [end:exercise-jacobian]

# --8<-- [start:exercise-gradcheck-detach]
def square(c):
    return c * c.detach()


c = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True,
                 device=device)
square(c).sum().backward()
print("autograd:", c.grad)
print("true 2c: ", 2 * c.detach())
try:
    torch.autograd.gradcheck(square, (c,))
except RuntimeError as err:
    print(f"{type(err).__name__}:", str(err).strip())
# --8<-- [end:exercise-gradcheck-detach]

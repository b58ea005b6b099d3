"""Backward-pass benchmark (issue 14): memory kept for backward, time, and a training step's peak memory.

Run with `python bench/backward.py [repeats]` (torch installed: the test extra). For each activation
with a PyTorch built-in it prints

1. the bytes kept for backward beyond the output itself (which the next layer keeps anyway), by
   derive's generated function and by the built-in, for a (64, 256, 56, 56) float32 activation:
   every tensor autograd packs (torch.autograd.graph.saved_tensors_hooks), distinct storages,
   the output's left out (target: 0 wherever an output form exists);
2. forward + backward time on the CPU, on a (64, 256, 28, 28) float32 tensor, derive's and the
   built-in's alternately in the same process: median, min, max, and the ratio of the medians
   (target: within 1.5x);
3. a training step (forward, loss, backward) of a 20-layer MLP (batch 4096, width 1024) with the
   activation between its layers: the bytes autograd keeps for backward at the end of the forward
   (distinct storages), and the peak resident memory of a process that runs only that step
   (VmHWM), derive's against the built-in's (target: lower by about one activation per layer
   where the built-in keeps its input, never higher).

Not a test: nothing here is asserted. Where a target is missed the output says so.
"""

from __future__ import annotations

import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F  # noqa: N812

from derive.backward import module_source, plan

BUILTINS = {
    "sigmoid": "torch.sigmoid",
    "tanh": "torch.tanh",
    "softplus": "F.softplus",
    "elu": "F.elu",
    "celu": "F.celu",
    "selu": "F.selu",
    "softsign": "F.softsign",
    "logsigmoid": "F.logsigmoid",
    "hard_sigmoid": "F.hardsigmoid",
    "hard_tanh": "F.hardtanh",
    "relu": "F.relu",
    "relu6": "F.relu6",
    "leaky_relu": "lambda x: F.leaky_relu(x, 0.01)",
    "hard_swish": "F.hardswish",
    "swish": "F.silu",
    "mish": "F.mish",
    "gelu": "F.gelu",
}
"""derive's name -> PyTorch's built-in, as source (the MLP step runs in a fresh process)."""

ACTIVATION = (64, 256, 56, 56)
TIMED = (64, 256, 28, 28)
MLP = {"layers": 20, "batch": 4096, "width": 1024}


def generated_module(folder: Path):
    path = folder / "derive_torch_backward.py"
    path.write_text(module_source([plan(name) for name in BUILTINS], "torch", "bench/backward.py"))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, path


def builtin(name: str):
    return eval(BUILTINS[name], {"torch": torch, "F": F})  # noqa: S307 - the table above, not user text


def kept_beyond_output(fn, shape) -> int:
    """Bytes of the distinct tensors autograd keeps for fn's backward, the output's storage left out."""
    x = torch.randn(shape, dtype=torch.float32, requires_grad=True) * 1  # not a leaf, as between layers
    storages: dict[int, int] = {}

    def pack(t):
        storages[t.untyped_storage().data_ptr()] = t.untyped_storage().nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        y = fn(x)
    storages.pop(y.untyped_storage().data_ptr(), None)
    return sum(storages.values())


def part_memory(module) -> None:
    print(f"1. bytes kept for backward beyond the output, a {ACTIVATION} float32 activation")
    one = torch.Size(ACTIVATION).numel() * 4
    print(f"   (one activation is {one / 2**20:.0f} MiB)")
    missed = []
    for name in BUILTINS:
        ours = kept_beyond_output(module.FUNCTIONS[name], ACTIVATION)
        theirs = kept_beyond_output(builtin(name), ACTIVATION)
        saves = module.SAVES[name]
        note = "" if saves == "input" or ours == 0 else "  MISSED (an output form exists)"
        if note:
            missed.append(name)
        print(
            f"   {name:<13} derive {ours / 2**20:7.0f} MiB ({saves:<6})  built-in {theirs / 2**20:7.0f} MiB"
            f"  saved {(theirs - ours) / 2**20:7.0f} MiB{note}"
        )
    print(f"   target: nothing beyond the output where an output form exists: {'met' if not missed else missed}")


def part_time(module, repeats: int) -> None:
    print(f"2. forward + backward on the CPU, a {TIMED} float32 tensor, {repeats} runs each, alternating")
    x0 = torch.randn(TIMED, dtype=torch.float32)
    worst = 0.0
    for name in BUILTINS:
        samples = {"derive": [], "built-in": []}
        for _ in range(repeats):
            for label, fn in (("derive", module.FUNCTIONS[name]), ("built-in", builtin(name))):
                x = x0.clone().requires_grad_()
                start = time.perf_counter()
                fn(x).sum().backward()
                samples[label].append(time.perf_counter() - start)
        ours, theirs = (statistics.median(samples[k]) for k in ("derive", "built-in"))
        ratio = ours / theirs
        fastest = min(samples["derive"]) / min(samples["built-in"])  # the ratio with the least noise in it
        worst = max(worst, ratio)
        print(
            f"   {name:<13} derive median {ours * 1e3:7.1f} ms (min {min(samples['derive']) * 1e3:6.1f}, "
            f"max {max(samples['derive']) * 1e3:6.1f})  built-in median {theirs * 1e3:7.1f} ms "
            f"(min {min(samples['built-in']) * 1e3:6.1f}, max {max(samples['built-in']) * 1e3:6.1f})  "
            f"{ratio:5.2f}x (of the mins {fastest:4.2f}x){'  MISSED' if ratio > 1.5 else ''}"
        )
    print(f"   target: within 1.5x of the built-in: {'met' if worst <= 1.5 else f'MISSED, worst {worst:.2f}x'}")


STEP = """
import json, sys
import torch
import torch.nn.functional as F
sys.path.insert(0, {folder!r})
layers, batch, width = {layers}, {batch}, {width}
torch.manual_seed(0)
weights = [torch.randn(width, width) / width**0.5 for _ in range(layers)]
for w in weights:
    w.requires_grad_()
if {ours!r}:
    import derive_torch_backward
    act = derive_torch_backward.FUNCTIONS[{name!r}]
else:
    act = eval({source!r})
x = torch.randn(batch, width)
storages = {{}}
def pack(t):
    storages[t.untyped_storage().data_ptr()] = t.untyped_storage().nbytes()
    return t
with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
    h = x
    for w in weights:
        h = act(h @ w)
    loss = h.square().mean()
loss.backward()
kept = sum(n for p, n in storages.items() if p not in {{w.untyped_storage().data_ptr() for w in weights}})
# the high-water mark of this process's own memory (ru_maxrss would carry the parent's over the fork)
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) * 1024
print(json.dumps({{"kept": kept, "peak": peak}}))
"""


def part_mlp(folder: Path) -> None:
    one = MLP["batch"] * MLP["width"] * 4
    print(
        f"3. a training step of a {MLP['layers']}-layer MLP (batch {MLP['batch']}, width {MLP['width']}): "
        f"bytes kept for backward and the process's peak memory (one activation: {one / 2**20:.0f} MiB)"
    )
    higher = []
    for name in BUILTINS:
        row = {}
        for ours in (True, False):
            code = STEP.format(folder=str(folder), ours=ours, name=name, source=BUILTINS[name], **MLP)
            # every large block mmapped and returned when freed: glibc's adaptive threshold would keep freed
            # 16 MiB blocks in the heap, and the high-water mark would measure fragmentation, not tensors
            env = dict(os.environ, MALLOC_MMAP_THRESHOLD_="131072")
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
            row[ours] = json.loads(done.stdout)
        kept_less = (row[False]["kept"] - row[True]["kept"]) / one
        peak_less = (row[False]["peak"] - row[True]["peak"]) / 2**20
        if row[True]["kept"] > row[False]["kept"] or row[True]["peak"] > 1.02 * row[False]["peak"]:
            higher.append(name)
        mib = {k: {m: v / 2**20 for m, v in r.items()} for k, r in row.items()}
        print(
            f"   {name:<13} kept: derive {mib[True]['kept']:6.0f} MiB, built-in {mib[False]['kept']:6.0f} MiB"
            f" ({kept_less:+5.1f} activations, {kept_less / MLP['layers']:+.2f} per layer);  peak: derive "
            f"{mib[True]['peak']:6.0f} MiB, built-in {mib[False]['peak']:6.0f} MiB ({peak_less:+5.0f} MiB)"
        )
    verdict = "met" if not higher else f"MISSED for {higher}"
    print(f"   target: never more kept, and no higher peak (2% noise), than the built-in: {verdict}")


def main(repeats: int = 7) -> None:
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    with tempfile.TemporaryDirectory() as tmp:
        module, _ = generated_module(Path(tmp))
        part_memory(module)
        print()
        part_time(module, repeats)
        print()
        part_mlp(Path(tmp))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)

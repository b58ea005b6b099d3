"""Elementwise work in blocks that stay in the CPU's cache: the generated torch module's one helper.

A formula written in place on the tensors it makes (derive.backward.in_place) still makes a few of
them, each the size of the activation: eager PyTorch then pays, for each, the memory's first touch
(page faults) and a pass over memory larger than any cache. ``in_blocks`` runs the formula on
blocks of BLOCK elements instead, each block's last operation writing into one tensor made once:
the formula's own tensors are then a block long, and the allocator hands the same few blocks back
every time.

The generated module carries this function's source (derive.backward.torch_code reads this file and
cuts BLOCK and in_blocks out by its syntax tree, never importing it: writing a module needs no torch),
so that the module imports nothing but torch; its tests run it there.
"""

from __future__ import annotations

import torch

BLOCK = 1 << 17  # elements: 512 KiB of float32, 1 MiB of float64; a multiple of every SIMD width, so
# each element takes the code path (vector or scalar tail) it takes in one call: the same values


def in_blocks(kernel, tensors, *params):
    """kernel(*tensors, out, *params), an elementwise formula that writes its value into out, computed
    on blocks of BLOCK elements of the tensors (broadcast to the first's shape); returns out, a new
    tensor of the first's shape and dtype."""
    first = tensors[0]
    out = torch.empty_like(first, memory_format=torch.contiguous_format)
    if first.numel() <= BLOCK:
        kernel(*tensors, out, *params)
        return out
    flat = [t.expand_as(first).reshape(-1) for t in tensors]  # views where the layout allows
    whole = out.view(-1)
    for start in range(0, first.numel(), BLOCK):
        part = slice(start, start + BLOCK)
        kernel(*(t[part] for t in flat), whole[part], *params)
    return out

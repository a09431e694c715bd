"""Which device runs the backbones and heads: one setting, ``auto`` by default.

``auto`` takes CUDA when torch sees a GPU, else the CPU. An explicit ``cuda`` on a machine
without one is an error that says so, never a silent fallback. Batch sizes follow the device
(a GPU is fed larger batches); the compute dtypes stay those of ``BackboneConfig``, which are
part of the feature-cache key, so features from either device are interchangeable.
"""
from __future__ import annotations

import torch

BATCH_SIZES = {"cpu": 64, "cuda": 256}  # feature extraction


def resolve_device(name: str = "auto") -> str:
    """"cpu", "cuda" or "cuda:N" for a setting ("auto", "cpu", "cuda", "cuda:N")."""
    name = (name or "auto").strip().lower()
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ValueError(f"device {name!r} asked for, but torch sees no CUDA GPU here: use auto or cpu")
        return name
    if name != "cpu":
        raise ValueError(f"unknown device {name!r}: use auto, cpu, cuda or cuda:N")
    return name


def batch_size(device: str) -> int:
    """Images or texts per batch for feature extraction on a device."""
    return BATCH_SIZES["cuda" if device.startswith("cuda") else "cpu"]


def describe(device: str) -> str:
    """"cpu" or the GPU's name ("cuda: NVIDIA H200")."""
    if device.startswith("cuda"):
        return f"{device}: {torch.cuda.get_device_name(torch.device(device))}"
    return "cpu"

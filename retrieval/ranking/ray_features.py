"""Feature extraction as a Ray Data job: the backbones on every worker of a Ray cluster.

``extract_features`` (``models/features.py``) runs the frozen backbones in its own process
unless it is handed a runner; ``RayExtraction`` is that runner when a Ray address is
configured (``FASHIONBOT_RAY_ADDRESS``): the products become a Ray dataset, an actor pool of
``BackboneWorker`` (each loads the two backbones once, on a GPU when the cluster has them)
maps it batch by batch with the same ``image_features`` / ``text_features`` functions, and the
driver puts the rows back in id order. The cache written is the in-process one, key and all.

Addresses: ``local`` starts a Ray on this machine for the job (and stops it after); ``auto``
or ``ray://head:10001`` joins a running cluster, whose workers need this package installed
(the engine image).
"""
from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from models.encoders import BackboneConfig


class BackboneWorker:
    """A Ray Data actor: both backbones, loaded once, over batches of products."""

    def __init__(self, config: dict, batch_size: int, device: str, threads: int):
        import torch

        from models.encoders import ImageBackbone, TextBackbone

        torch.set_num_threads(threads)
        config = BackboneConfig(**{k: tuple(v) if isinstance(v, list) else v for k, v in config.items()})
        self.batch_size, self.device = batch_size, device
        self.image = ImageBackbone(config).to(device).eval()
        self.text = TextBackbone(config).to(device)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        from models.features import image_features, text_features

        paths = [Path(p) if p else None for p in batch["image_path"].tolist()]
        started = time.perf_counter()
        image_maps, image_colour, has_image = image_features(self.image, paths, self.batch_size, self.device, 0, False)
        image_s = time.perf_counter() - started
        started = time.perf_counter()
        text = text_features(self.text, batch["text"].tolist(), self.batch_size, False)
        text_s = time.perf_counter() - started
        n = len(paths)
        return {"id": batch["id"], "image_maps": image_maps, "image_colour": image_colour, "has_image": has_image,
                "text": text, "image_s": np.full(n, image_s / n), "text_s": np.full(n, text_s / n)}


class RayExtraction:
    """A runner for ``extract_features``: the extraction as a Ray Data job at ``address``."""

    def __init__(self, address: str = "local", workers: int = 0, block: int = 256, threads: int = 1):
        self.address = address
        self.workers = workers  # actors in the pool (0: one per GPU, else one per CPU of the cluster)
        self.block = block  # products per batch handed to an actor
        self.threads = threads  # torch threads per actor

    def __call__(self, ids: np.ndarray, paths: list[Path | None], texts: list[str], config: BackboneConfig,
                 batch_size: int) -> dict:
        import ray

        started_here = not ray.is_initialized()
        if started_here:
            ray.init(address=None if self.address == "local" else self.address, include_dashboard=False,
                     log_to_driver=False, configure_logging=False)
        try:
            return self._run(ray, ids, paths, texts, config, batch_size)
        finally:
            if started_here:
                ray.shutdown()

    def _run(self, ray, ids, paths, texts, config, batch_size) -> dict:
        import ray.data

        resources = ray.cluster_resources()
        gpus = int(resources.get("GPU", 0))
        workers = self.workers or gpus or max(1, int(resources.get("CPU", 1)))
        started = time.perf_counter()
        dataset = ray.data.from_items([{"id": int(pid), "image_path": str(path) if path else "", "text": text}
                                       for pid, path, text in zip(ids, paths, texts)],
                                      override_num_blocks=max(1, -(-len(ids) // self.block)))
        encoded = dataset.map_batches(
            BackboneWorker, batch_size=self.block, batch_format="numpy",
            fn_constructor_kwargs={"config": asdict(config), "batch_size": batch_size,
                                   "device": "cuda" if gpus else "cpu", "threads": self.threads},
            compute=ray.data.ActorPoolStrategy(size=workers), num_gpus=1 if gpus else 0, num_cpus=0 if gpus else 1)
        position = {int(pid): row for row, pid in enumerate(ids)}
        out: dict = {}
        image_s = text_s = 0.0
        with tqdm(total=len(ids), desc=f"Features on Ray ({workers} workers)", unit="product") as bar:
            for batch in encoded.iter_batches(batch_size=self.block, batch_format="numpy"):
                rows = np.array([position[int(pid)] for pid in batch["id"]])
                for name in ("image_maps", "image_colour", "has_image", "text"):
                    values = np.asarray(batch[name])
                    if name not in out:
                        out[name] = np.zeros((len(ids), *values.shape[1:]), dtype=values.dtype)
                    out[name][rows] = values
                image_s += float(np.sum(batch["image_s"]))
                text_s += float(np.sum(batch["text_s"]))
                bar.update(len(rows))
        out["seconds"] = {"images": image_s, "texts": text_s, "wall": time.perf_counter() - started}
        return {**out, "runner": f"ray ({self.address})", "device": "cuda" if gpus else "cpu",
                "num_workers": workers, "num_threads": self.threads}

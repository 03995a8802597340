"""Indexing on a Ray cluster (``phototriage index FOLDER --ray ADDRESS|local``; the optional
extra ``pip install 'phototriage[cluster]'``). Ray runs the per-file work (read, hash, decode,
thumbnail, embedding, quality, faces: ``analyze.analyze_file``) as tasks on the cluster's
workers; the results come back to this process, where the index's single writer commits them
to the catalog exactly as a local run does: the same plan, resumability, bad-file reporting
and summary. Workers need the library and the catalog's thumbnail folder at the same paths
(a shared file system, as on a NAS); each worker process loads the models once.

The desktop app never imports this module."""
from __future__ import annotations

import os
from concurrent.futures import Future

_remote = None          # the Ray task, made on first use (importing ray is slow)
_pipelines: dict = {}   # per worker process: FeaturePipeline by its spec


class ClusterUnavailable(RuntimeError):
    pass


def _pipeline(spec):
    """A worker process's feature pipeline (models loaded once per process)."""
    if spec is None:
        return None
    if spec not in _pipelines:
        from .features.compute import FeaturePipeline

        model, faces, iqa = spec
        _pipelines[spec] = FeaturePipeline(model, faces=faces, iqa=iqa)
    return _pipelines[spec]


def _analyze(entry, thumbs_dir, expected, hashes, spec):
    from .analyze import analyze_file

    try:
        import torch

        torch.set_num_threads(1)              # one task per core: Ray schedules the cores
    except ImportError:
        pass
    return analyze_file(entry, thumbs_dir, expected, hashes, features=_pipeline(spec))


def connect(address: str, num_cpus: int | None = None):
    """``local``: a Ray instance on this machine (``num_cpus`` workers); else the address of a
    running cluster (``ray://host:10001`` or ``host:6379``)."""
    try:
        import ray
    except ImportError as exc:
        raise ClusterUnavailable("indexing on Ray needs the cluster extra: pip install 'phototriage[cluster]'") from exc
    if not ray.is_initialized():
        repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env = {"env_vars": {"PYTHONPATH": os.pathsep.join(filter(None, [repo, os.environ.get("PYTHONPATH")]))}}
        if address == "local":
            ray.init(num_cpus=num_cpus or os.cpu_count(), include_dashboard=False, log_to_driver=False,
                     runtime_env=env)
        else:
            ray.init(address=address, log_to_driver=False, runtime_env=env)
    return ray


class RayPool:
    """``submit(...)`` returns a concurrent.futures.Future, so the index's loop is the same as
    with its local thread pool."""

    def __init__(self, address: str, features=None, num_cpus: int | None = None) -> None:
        global _remote
        self.ray = connect(address, num_cpus)
        if _remote is None:
            _remote = self.ray.remote(max_retries=2)(_analyze)
        self.spec = None if features is None else (features.model, features.faces_on, features.iqa is not None)
        self.workers = max(1, int(self.ray.cluster_resources().get("CPU", 1)))

    def submit(self, entry, thumbs_dir, expected, hashes) -> Future:
        return _remote.remote(entry, thumbs_dir, expected, hashes, self.spec).future()

    def shutdown(self, local: bool) -> None:
        if local:
            self.ray.shutdown()

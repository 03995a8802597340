"""Koch et al. (2015) Siamese network and its light variant: shared conv tower,
L1 distance between embeddings, linear + sigmoid -> similarity in [0, 1]."""
from __future__ import annotations

import torch
from torch import nn


def _block(cin: int, cout: int, k: int, pool: bool) -> list[nn.Module]:
    layers: list[nn.Module] = [nn.Conv2d(cin, cout, k), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]
    return layers + [nn.MaxPool2d(2)] if pool else layers


class _SiameseBase(nn.Module):
    input_size = 105

    def __init__(self, widths: tuple[int, int, int, int], embedding_dim: int, dropout: float) -> None:
        super().__init__()
        c1, c2, c3, c4 = widths
        self.tower = nn.Sequential(*_block(3, c1, 10, True), *_block(c1, c2, 7, True),
                                   *_block(c2, c3, 4, True), *_block(c3, c4, 4, False), nn.Flatten())
        with torch.no_grad():
            flat = self.tower(torch.zeros(1, 3, self.input_size, self.input_size)).shape[1]
        head: list[nn.Module] = [nn.Linear(flat, embedding_dim), nn.BatchNorm1d(embedding_dim)]
        if dropout:
            head.append(nn.Dropout(dropout))
        self.embed = nn.Sequential(*head)
        self.out = nn.Linear(embedding_dim, 1)

    def forward_once(self, x: torch.Tensor) -> torch.Tensor:
        """Embedding of one image (not normalised: the L1 head learns its own scale)."""
        return self.embed(self.tower(x))

    def logits(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return self.out(torch.abs(self.forward_once(a) - self.forward_once(b))).squeeze(1)

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """Probability that a and b show the same person."""
        return torch.sigmoid(self.logits(a, b))


class SiameseNetwork(_SiameseBase):
    """The original: 64-128-128-256 filters, 9216 -> 4096-D embedding (about 38 M parameters)."""

    def __init__(self) -> None:
        super().__init__((64, 128, 128, 256), 4096, 0.0)


class SiameseV2(_SiameseBase):
    """The light variant: 32-64-64-128 filters, 4608 -> 512-D, dropout 0.3 (about 2.5 M parameters)."""

    def __init__(self) -> None:
        super().__init__((32, 64, 64, 128), 512, 0.3)

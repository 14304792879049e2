"""Datasets, samplers and the DataLoader, as ``torch.utils.data``.

A *dataset* maps an index to a sample; a *sampler* yields the indices of one epoch; a
*batch sampler* groups them; the *DataLoader* fetches each group and collates the
samples into batched tensors.
"""
from .dataset import Dataset, TensorDataset, Subset, ConcatDataset, random_split
from .sampler import Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler, BatchSampler
from .collate import default_collate, default_convert
from .dataloader import DataLoader

__all__ = ['Dataset', 'TensorDataset', 'Subset', 'ConcatDataset', 'random_split', 'Sampler',
           'SequentialSampler', 'RandomSampler', 'SubsetRandomSampler', 'BatchSampler',
           'default_collate', 'default_convert', 'DataLoader']

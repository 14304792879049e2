"""The op library: one small ``Op`` class per operation, then its lowercase wrapper.

Files group ops by kind: arithmetic, elementwise, reduce, shape, indexing, linalg, compare, convert,
nn (softmax family and fused losses). Forward works on arrays; backward on Tensors.
"""

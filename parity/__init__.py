"""The parity suite: each lesson runs in torch and in minitorch, step by step, and must agree."""

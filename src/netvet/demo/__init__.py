"""The built-in demo network: a deterministic, realistic operator group to try netvet on."""

from netvet.demo.generator import DemoShape, generate_inventory, load_demo_shape

__all__ = ["DemoShape", "generate_inventory", "load_demo_shape"]

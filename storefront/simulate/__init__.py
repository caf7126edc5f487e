"""The synthetic shop: ``storefront generate`` writes every feed of a simulated shop as CSV."""

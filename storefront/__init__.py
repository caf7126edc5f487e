"""Storefront Analytics, the application: the `storefront` command, the local warehouse, the
synthetic shop, the demo, the checks and the benchmarks. It lands files through :mod:`loaders`."""

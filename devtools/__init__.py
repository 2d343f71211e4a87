"""Development tools, not the product: demo data (`load_demo`), the simulated year
(`simulate_year`) and the record factories that the tests and the benchmarks build worlds
with (`devtools.factories`, factory_boy from the dev dependencies). Installed by the base
(development) and test settings, not by production."""

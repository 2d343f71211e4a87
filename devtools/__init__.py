"""Development tools, not the product: demo data (`load_demo`) and the simulated year
(`simulate_year`). Installed by the base (development) and test settings, not by production."""

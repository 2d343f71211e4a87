"""The site's date formats by language (settings.FORMAT_MODULE_PATH); Django's own formats fill
in what a language's module leaves out (Chinese uses Django's: 2026年12月1日)."""

"""What every package shows a reader: the one text catalogue (`i18n`: `t`, `tn`, PO files in
locales/), every figure in the reader's locale (`fmt`), one Jinja environment (`render`) and the
templates (templates/)."""

# Rhestrau hir a ddangosir fesul tudalen (mater 13 eitem 27).
pagination-previous = Tudalen flaenorol
pagination-page-number = Tudalen { $page }
pagination-showing = Yn dangos { $from } i { $to } o { $total }

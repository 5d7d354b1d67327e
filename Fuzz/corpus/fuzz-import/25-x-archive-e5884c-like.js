window.YTD.like.part0 = [ ]

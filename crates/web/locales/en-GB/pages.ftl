# Long lists shown a page at a time (issue 13 item 27).
pagination-previous = Previous page
pagination-page-number = Page { $page }
pagination-showing = Showing { $from } to { $to } of { $total }

"""The public side of questions: a newcomer's intake and follow-up page, a professional's
consults (views, forms), a form sent twice (submissions), uploads kept between attempts
(staging) and where a question stands as its requester sees it (progress). The rules stay in
tickets.lifecycle; these modules only parse, show and call it."""

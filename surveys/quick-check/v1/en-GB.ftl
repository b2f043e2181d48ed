### quick-check v1: English (en-GB). Same keys, same order, in all six languages.

title = What are you doing now?
quick-intro = Hello { $given_name }. One quick question: what are you doing now? It takes less than a minute.
quick-consent = We use your answer to see how our courses help people into work and learning. We keep it with your learner record and share it only in reports that do not name you. You can ask us to stop contacting you at any time.
activity-title = What are you doing now?
activity-text = What are you mainly doing now?
activity-hint = Choose the one that takes up most of your week.
activity-employed-full-time = Working full-time (30 hours a week or more)
activity-employed-part-time = Working part-time (less than 30 hours a week)
activity-self-employed = Self-employed or running my own business
activity-apprenticeship = An apprenticeship
activity-further-education = Studying at a college or sixth form
activity-higher-education = Studying at university
activity-volunteering = Volunteering
activity-looking = Looking for work or a course
activity-not-looking = Not working or studying, and not looking at the moment
activity-other = Something else

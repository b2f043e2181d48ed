# Y dudalen optio allan (/o/{token}) ar safle'r dysgwyr.
survey-site-opt-out-title = Peidio â chael negeseuon gan { $organisation }
survey-site-opt-out-body = Mae { $organisation } yn cadw mewn cysylltiad â chyn-ddysgwyr drwy e-bost, neges destun, llythyr a ffôn i ofyn beth maen nhw'n ei wneud nawr. Os byddwch chi'n optio allan, fyddan nhw ddim yn cysylltu â chi am hyn eto.
survey-site-opt-out-button = Optio allan o negeseuon
survey-site-opt-out-done-title = Rydych chi wedi optio allan
survey-site-opt-out-done-body = Fydd { $organisation } ddim yn cysylltu â chi eto i ofyn beth rydych chi'n ei wneud nawr. Os byddwch chi'n newid eich meddwl, cysylltwch â nhw.

### quick-check v1: Italian (it). Same keys, same order, in all six languages.

title = Che cosa fai adesso?
quick-intro = Ciao { $given_name }. Una domanda veloce: che cosa fai adesso? Ci vuole meno di un minuto.
quick-consent = Usiamo la tua risposta per capire come i nostri corsi aiutano le persone a trovare lavoro o a continuare a formarsi. La conserviamo insieme alla tua scheda e la condividiamo solo in rapporti che non riportano il tuo nome. Puoi chiederci in qualsiasi momento di non contattarti più.
activity-title = Che cosa fai adesso?
activity-text = Che cosa fai principalmente adesso?
activity-hint = Scegli l’attività che occupa la maggior parte della tua settimana.
activity-employed-full-time = Lavoro a tempo pieno (30 ore a settimana o più)
activity-employed-part-time = Lavoro a tempo parziale (meno di 30 ore a settimana)
activity-self-employed = Lavoro in proprio o ho una mia attività
activity-apprenticeship = Un apprendistato
activity-further-education = Studio in un istituto superiore o di formazione professionale
activity-higher-education = Studio all’università
activity-volunteering = Faccio volontariato
activity-looking = Cerco lavoro o un corso
activity-not-looking = Non lavoro né studio, e al momento non sto cercando
activity-other = Altro

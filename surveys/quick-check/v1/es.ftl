### quick-check v1: Spanish (es). Same keys, same order, in all six languages.

title = ¿Qué haces ahora?
quick-intro = Hola, { $given_name }. Una pregunta rápida: ¿qué haces ahora? Se tarda menos de un minuto.
quick-consent = Usamos tu respuesta para ver cómo nuestros cursos ayudan a las personas a encontrar trabajo o seguir formándose. La guardamos con tu expediente y solo la compartimos en informes que no te identifican. Puedes pedirnos en cualquier momento que dejemos de contactarte.
activity-title = ¿Qué haces ahora?
activity-text = ¿Qué haces principalmente ahora?
activity-hint = Elige lo que ocupa la mayor parte de tu semana.
activity-employed-full-time = Trabajo a jornada completa (30 horas a la semana o más)
activity-employed-part-time = Trabajo a tiempo parcial (menos de 30 horas a la semana)
activity-self-employed = Trabajo por cuenta propia o tengo mi propio negocio
activity-apprenticeship = Formación como aprendiz en una empresa
activity-further-education = Estudio en un centro de formación profesional o de bachillerato
activity-higher-education = Estudio en la universidad
activity-volunteering = Hago voluntariado
activity-looking = Busco trabajo o un curso
activity-not-looking = No trabajo ni estudio, y ahora mismo no estoy buscando
activity-other = Otra cosa

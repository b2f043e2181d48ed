# La página para darse de baja (/o/{token}).
survey-site-opt-out-title = Dejar de recibir mensajes de { $organisation }
survey-site-opt-out-body = { $organisation } mantiene el contacto con sus antiguos alumnos por correo electrónico, mensaje de texto, carta y teléfono para preguntarles qué hacen ahora. Si se da de baja, no volverán a contactarle por este motivo.
survey-site-opt-out-button = Darse de baja de los mensajes
survey-site-opt-out-done-title = Se ha dado de baja
survey-site-opt-out-done-body = { $organisation } no volverá a contactarle para preguntarle qué hace ahora. Si cambia de opinión, póngase en contacto con ellos.

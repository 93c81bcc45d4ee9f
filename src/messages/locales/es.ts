// Spanish, in the formal "usted".
import type { LocaleMessages } from '../keys.js';

export const es: LocaleMessages = {
  invalid: 'Ese código no es correcto. Revíselo e inténtelo de nuevo.',
  'invalid.totp':
    'Ese código no es correcto. Si lo escribió con cuidado, es probable que el reloj de su teléfono esté desajustado: los códigos dependen de la hora exacta. Active la fecha y hora automáticas en los ajustes del teléfono y luego introduzca el código más reciente.',
  'invalid.backup': 'Ese código de respaldo no es válido o se sustituyó por códigos de respaldo más recientes.',
  'invalid.email':
    'Ese código no es correcto. Introduzca el código del correo electrónico más reciente que le enviamos o pida uno nuevo.',
  'invalid.sms':
    'Ese código no es correcto. Introduzca el código del SMS más reciente que le enviamos o pida uno nuevo.',
  'invalid.telegram':
    'Ese código no es correcto. Introduzca el código de nuestro mensaje de Telegram más reciente o pida uno nuevo.',
  'invalid.voice': 'Esos dígitos no son correctos. Introduzca los cuatro últimos dígitos del número que le llamó.',
  'invalid.delivered':
    'Ese código no es correcto. Introduzca el código del mensaje más reciente que le enviamos o pida uno nuevo.',
  'invalid.approval': 'Esta solicitud de aprobación no es válida.',
  'lockout-started': 'Demasiados códigos incorrectos: espere {wait} antes de volver a intentarlo.',
  malformed: 'Eso no parece un código. Revíselo y escríbalo de nuevo.',
  'malformed.totp': 'Eso no parece un código: introduzca los dígitos que muestra su aplicación de autenticación.',
  'malformed.backup': 'Eso no parece un código de respaldo: escríbalo tal como está impreso.',
  'malformed.delivered': 'Eso no parece un código: introduzca los dígitos del mensaje que le enviamos.',
  'malformed.voice': 'Introduzca los cuatro últimos dígitos del número que le llamó.',
  replayed: 'Ese código ya se usó. Use uno nuevo.',
  'replayed.totp': 'Ese código ya se usó. Espere a que su aplicación muestre el siguiente código e introdúzcalo.',
  'replayed.backup': 'Ese código de respaldo ya se usó: cada uno sirve una sola vez. Use otro.',
  locked: 'Demasiados códigos incorrectos. Espere {wait} y vuelva a intentarlo.',
  'hard-locked':
    'Demasiados códigos incorrectos: esta cuenta está bloqueada. Póngase en contacto con soporte para desbloquearla.',
  'current-code-required':
    'La verificación en dos pasos ya está activada: introduzca también un código de un método de inicio de sesión que ya tenga, o un código de respaldo.',
  'not-enrolled': 'La verificación en dos pasos no está configurada en esta cuenta.',
  expired: 'Esto ha caducado. Empiece de nuevo.',
  'expired.totp': 'Esta configuración ha caducado. Empiece de nuevo para obtener un código QR nuevo.',
  'expired.delivered':
    'No hay ningún código que comprobar: caducó, ya se usó o se intentó demasiadas veces. Pida un código nuevo.',
  'expired.approval': 'Esta solicitud de aprobación ha caducado. Vuelva a iniciar sesión.',
  'unknown-factor': 'Ese método de inicio de sesión ya no está en esta cuenta. Recargue la página.',
  'stronger-factor-required':
    'El código es correcto, pero este cambio requiere un método de inicio de sesión más seguro, como una aplicación de autenticación o un código de respaldo.',
  'user-verification-required':
    'Tu llave de acceso no verificó tu identidad (PIN, huella o rostro). Inténtalo de nuevo y desbloquéala cuando te lo pida.',
  'factor-suspended':
    'Esa llave de seguridad está suspendida porque se detectó una copia. Inicia sesión de otra forma y luego reactívala o quítala.',
  'rate-limited': 'Se han pedido demasiados códigos. Espere {wait} antes de pedir uno nuevo.',
  'rate-limited.approval': 'Demasiadas solicitudes de aprobación. Espere {wait} o inicie sesión de otra forma.',
  answered: 'Esta solicitud ya se respondió.',
  'wrong-number':
    'Ese no es el número que aparece en la página de inicio de sesión, así que la solicitud se rechazó. Si está iniciando sesión, empiece de nuevo.',
  // The web half (factorkit/http).
  'cross-origin': 'Esta solicitud venía de otro sitio y se rechazó. Vuelva a cargar la página e inténtelo de nuevo.',
  'ticket-invalid': 'No se pudo continuar su inicio de sesión. Vuelva a iniciar sesión con su contraseña.',
  'ticket-expired': 'Su inicio de sesión tardó demasiado y caducó. Vuelva a iniciar sesión con su contraseña.',
  'ticket-used': 'Este inicio de sesión ya se completó. Vuelva a iniciar sesión con su contraseña si lo necesita.',
  'not-signed-in': 'No ha iniciado sesión. Inicie sesión e inténtelo de nuevo.',
  'step-up-required':
    'Para este cambio, confirme que es usted: introduzca primero un código de uno de sus métodos de inicio de sesión.',
  'bad-request':
    'A esta solicitud le falta algo o algo no es correcto. Vuelva a cargar la página e inténtelo de nuevo.',
  'not-configured': 'Este método de inicio de sesión no está disponible aquí.',
  'status.pending': 'Abra la solicitud que enviamos a su teléfono y elija el número que se muestra aquí.',
  'status.approved': 'Aprobado. Ha iniciado sesión.',
  'status.denied': 'La solicitud se rechazó. Vuelva a iniciar sesión o use otro método.',
  'wait.moment': 'un momento',
  'wait.seconds': { one: '{count} segundo', many: '{count} de segundos', other: '{count} segundos' },
  'wait.minutes': { one: '{count} minuto', many: '{count} de minutos', other: '{count} minutos' },
  'wait.hours': { one: '{count} hora', many: '{count} de horas', other: '{count} horas' },
  'wait.days': { one: '{count} día', many: '{count} de días', other: '{count} días' },
};

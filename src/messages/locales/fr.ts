// French, in the formal "vous", with a no-break space before ":" as French typography wants.
import type { LocaleMessages } from '../keys.js';

export const fr: LocaleMessages = {
  invalid: 'Ce code n’est pas correct. Vérifiez-le et réessayez.',
  'invalid.totp':
    'Ce code n’est pas correct. Si vous l’avez saisi avec soin, l’horloge de votre téléphone est sans doute décalée\u00a0: les codes dépendent de l’heure exacte. Activez la date et l’heure automatiques dans les réglages du téléphone, puis saisissez le code le plus récent.',
  'invalid.backup': 'Ce code de secours n’est pas valide, ou il a été remplacé par de nouveaux codes de secours.',
  'invalid.email':
    'Ce code n’est pas correct. Saisissez le code du dernier e-mail que nous vous avons envoyé, ou demandez-en un nouveau.',
  'invalid.sms':
    'Ce code n’est pas correct. Saisissez le code du dernier SMS que nous vous avons envoyé, ou demandez-en un nouveau.',
  'invalid.telegram':
    'Ce code n’est pas correct. Saisissez le code de notre dernier message Telegram, ou demandez-en un nouveau.',
  'invalid.voice':
    'Ces chiffres ne sont pas les bons. Saisissez les quatre derniers chiffres du numéro qui vous a appelé.',
  'invalid.delivered':
    'Ce code n’est pas correct. Saisissez le code du dernier message que nous vous avons envoyé, ou demandez-en un nouveau.',
  'invalid.approval': 'Cette demande d’approbation n’est pas valide.',
  'lockout-started': 'Trop de codes erronés\u00a0: patientez {wait} avant de réessayer.',
  malformed: 'Cela ne ressemble pas à un code. Vérifiez-le et saisissez-le à nouveau.',
  'malformed.totp':
    'Cela ne ressemble pas à un code\u00a0: saisissez les chiffres affichés par votre application d’authentification.',
  'malformed.backup': 'Cela ne ressemble pas à un code de secours\u00a0: saisissez-le tel qu’il est imprimé.',
  'malformed.delivered':
    'Cela ne ressemble pas à un code\u00a0: saisissez les chiffres du message que nous vous avons envoyé.',
  'malformed.voice': 'Saisissez les quatre derniers chiffres du numéro qui vous a appelé.',
  replayed: 'Ce code a déjà été utilisé. Utilisez-en un nouveau.',
  'replayed.totp':
    'Ce code a déjà été utilisé. Attendez que votre application affiche le code suivant, puis saisissez-le.',
  'replayed.backup': 'Ce code de secours a déjà été utilisé\u00a0: chacun ne sert qu’une fois. Utilisez-en un autre.',
  locked: 'Trop de codes erronés. Patientez {wait}, puis réessayez.',
  'hard-locked': 'Trop de codes erronés\u00a0: ce compte est verrouillé. Contactez l’assistance pour le déverrouiller.',
  'current-code-required':
    'La validation en deux étapes est déjà activée\u00a0: saisissez aussi un code d’une méthode de connexion que vous avez déjà, ou un code de secours.',
  'not-enrolled': 'La validation en deux étapes n’est pas configurée pour ce compte.',
  expired: 'Cette étape a expiré. Recommencez.',
  'expired.totp': 'Cette configuration a expiré. Recommencez pour obtenir un nouveau code QR.',
  'expired.delivered':
    'Il n’y a aucun code à vérifier\u00a0: il a expiré, a déjà été utilisé ou a été essayé trop souvent. Demandez un nouveau code.',
  'expired.approval': 'Cette demande d’approbation a expiré. Recommencez la connexion.',
  'unknown-factor': 'Cette méthode de connexion ne fait plus partie de ce compte. Rechargez la page.',
  'stronger-factor-required':
    'Ce code est correct, mais cette modification exige une méthode de connexion plus forte, comme une application d’authentification ou un code de secours.',
  'user-verification-required':
    'Votre clé d’accès n’a pas vérifié votre identité (code PIN, empreinte ou visage). Réessayez et déverrouillez-la quand elle le demande.',
  'factor-suspended':
    'Cette clé de sécurité est suspendue, car une copie en a été détectée. Connectez-vous autrement, puis réactivez-la ou retirez-la.',
  'rate-limited': 'Trop de codes demandés. Patientez {wait} avant d’en demander un nouveau.',
  'rate-limited.approval': 'Trop de demandes d’approbation. Patientez {wait}, ou connectez-vous autrement.',
  answered: 'Cette demande a déjà reçu une réponse.',
  'wrong-number':
    'Ce n’est pas le nombre affiché sur la page de connexion, la demande a donc été refusée. Si vous êtes en train de vous connecter, recommencez.',
  // The web half (factorkit/http).
  'cross-origin': 'Cette requête venait d’un autre site et a été refusée. Rechargez la page et réessayez.',
  'ticket-invalid': 'Votre connexion n’a pas pu être poursuivie. Reconnectez-vous avec votre mot de passe.',
  'ticket-expired': 'Votre connexion a pris trop de temps et a expiré. Reconnectez-vous avec votre mot de passe.',
  'ticket-used': 'Cette connexion a déjà été effectuée. Reconnectez-vous avec votre mot de passe si nécessaire.',
  'not-signed-in': 'Vous n’êtes pas connecté. Connectez-vous, puis réessayez.',
  'step-up-required':
    'Pour cette modification, confirmez votre identité : saisissez d’abord un code de l’une de vos méthodes de connexion.',
  'bad-request':
    'Il manque quelque chose dans cette requête, ou quelque chose n’est pas correct. Rechargez la page et réessayez.',
  'not-configured': 'Cette méthode de connexion n’est pas disponible ici.',
  'status.pending': 'Ouvrez la demande envoyée sur votre téléphone et choisissez le nombre affiché ici.',
  'status.approved': 'Approuvé. Vous êtes connecté.',
  'status.denied': 'La demande a été refusée. Reconnectez-vous, ou utilisez un autre moyen.',
  'wait.moment': 'un instant',
  'wait.seconds': { one: '{count} seconde', many: '{count} de secondes', other: '{count} secondes' },
  'wait.minutes': { one: '{count} minute', many: '{count} de minutes', other: '{count} minutes' },
  'wait.hours': { one: '{count} heure', many: '{count} d’heures', other: '{count} heures' },
  'wait.days': { one: '{count} jour', many: '{count} de jours', other: '{count} jours' },
};

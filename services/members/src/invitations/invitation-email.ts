import type { Role } from '@pdn/identity';

const ROLE_IN_FRENCH: Record<Role, string> = {
  PROMENEUR: 'Promeneur du Net',
  COORDINATOR: 'coordinateur ou coordinatrice du réseau',
  ADMIN: 'administrateur ou administratrice du réseau',
};

const parisDateTime = new Intl.DateTimeFormat('fr-FR', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'Europe/Paris',
});

export interface InvitationEmail {
  recipient: string;
  subject: string;
  body: string;
}

/** The invitation as the invited person receives it. It carries the token: it goes to the outbox, never to the logs. */
export function invitationEmail(i: {
  email: string;
  firstName: string;
  role: Role;
  department: string;
  structureName: string | null;
  token: string;
  expiresAt: Date;
}): InvitationEmail {
  const where = i.structureName ? `, au titre de la structure « ${i.structureName} »` : '';
  return {
    recipient: i.email,
    subject: 'Invitation à rejoindre le réseau des Promeneurs du Net',
    body: [
      `Bonjour ${i.firstName},`,
      '',
      `Vous êtes invité(e) à rejoindre le réseau des Promeneurs du Net du département ${i.department} ` +
        `en tant que ${ROLE_IN_FRENCH[i.role]}${where}.`,
      '',
      "Pour créer votre compte, saisissez ce code d'invitation dans l'application du réseau, puis choisissez votre mot de passe :",
      '',
      `    ${i.token}`,
      '',
      `Ce code est personnel, ne sert qu'une fois et reste valable jusqu'au ${parisDateTime.format(i.expiresAt)}.`,
      "Si vous n'attendiez pas cette invitation, ignorez simplement ce message.",
      '',
      'Le réseau des Promeneurs du Net',
    ].join('\n'),
  };
}

export { newSecretToken, secretTokenHash } from '@pdn/identity';

/**
 * The one member id that stands for "a former member" (the nil UUID, which no row ever gets: ids are
 * random v4 UUIDs). An erased member's posts, comments and alerts keep no link to the person
 * (their author column is NULL); the API still gives them a non-null author, as the contract fixes:
 * feed answers this id for such a row, and members resolves it, without reading its database, to a
 * synthetic member "Ancien membre" (status LEFT, no personal data).
 */
export const FORMER_MEMBER_ID = '00000000-0000-0000-0000-000000000000';

import { registerEnumType } from '@nestjs/graphql';

/** What young people ask promeneurs about, in the categories of the CAF's yearly reports. */
export enum RequestCategory {
  DAILY_LIFE_PREVENTION = 'DAILY_LIFE_PREVENTION',
  STRUCTURE_INFO = 'STRUCTURE_INFO',
  PROJECT_SUPPORT = 'PROJECT_SUPPORT',
  DIGITAL_PRACTICES = 'DIGITAL_PRACTICES',
  PERSONAL = 'PERSONAL',
}

export const REQUEST_CATEGORIES = Object.values(RequestCategory);

registerEnumType(RequestCategory, {
  name: 'RequestCategory',
  valuesMap: {
    DAILY_LIFE_PREVENTION: { description: 'Daily life and prevention' },
    STRUCTURE_INFO: { description: 'Practical information on structures' },
    PROJECT_SUPPORT: { description: 'Support for a project' },
    DIGITAL_PRACTICES: { description: 'Digital practices' },
    PERSONAL: { description: 'Personal questions' },
  },
});

// FHIR datatypes the views read (only the elements used).
import type { CodeableConcept } from './format';
import type { Reference, Resource } from './fhir';

export interface Quantity { value?: number; unit?: string; code?: string }
export interface Period { start?: string; end?: string }

export interface MedicationDispense extends Resource {
  medicationCodeableConcept?: CodeableConcept;
  quantity?: Quantity;
  daysSupply?: Quantity;
  whenHandedOver?: string;
  whenPrepared?: string;
  dosageInstruction?: { text?: string }[];
  performer?: { actor?: Reference }[];
}

export interface Procedure extends Resource {
  code?: CodeableConcept;
  category?: CodeableConcept;
  performedDateTime?: string;
  performedPeriod?: Period;
  performer?: { actor?: Reference }[];
}

export interface Observation extends Resource {
  code?: CodeableConcept;
  effectiveDateTime?: string;
  valueQuantity?: Quantity;
  valueCodeableConcept?: CodeableConcept;
  valueString?: string;
  valueBoolean?: boolean;
  valueInteger?: number;
  dataAbsentReason?: CodeableConcept;
  referenceRange?: { low?: Quantity; high?: Quantity; text?: string }[];
}

export interface DiagnosticReport extends Resource {
  effectiveDateTime?: string;
  performer?: Reference[];
  result?: Reference[];
}

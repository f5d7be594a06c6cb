import React, { useState } from 'react';
import { Collapse, Field, Input } from '@grafana/ui';

import { DEFAULT_OPTIONS, GenesysOptions } from '../types';
import { NUMERIC_SETTINGS } from './validation';

interface Props {
  options: GenesysOptions;
  errors: Partial<Record<keyof GenesysOptions, string>>;
  onChange: (key: keyof GenesysOptions, value: number | undefined) => void;
}

/** Tuning knobs, folded away; an empty field means the default shown as placeholder. */
export function AdvancedSettings({ options, errors, onChange }: Props) {
  const [open, setOpen] = useState(NUMERIC_SETTINGS.some((s) => errors[s.key]));
  return (
    <Collapse label="Advanced settings" isOpen={open} onToggle={() => setOpen(!open)}>
      {NUMERIC_SETTINGS.map((s) => {
        const id = `genesys-${s.key}`;
        const def = DEFAULT_OPTIONS[s.key as keyof typeof DEFAULT_OPTIONS];
        const value = options[s.key];
        return (
          <Field
            key={s.key}
            label={`${s.label} (${s.unit})`}
            description={`${s.help} Default: ${def}.`}
            htmlFor={id}
            invalid={!!errors[s.key]}
            error={errors[s.key]}
          >
            <Input
              id={id}
              type="number"
              width={20}
              placeholder={String(def)}
              value={value === undefined ? '' : String(value)}
              onChange={(e) => {
                const raw = e.currentTarget.value.trim();
                onChange(s.key, raw === '' ? undefined : Number(raw));
              }}
            />
          </Field>
        );
      })}
    </Collapse>
  );
}

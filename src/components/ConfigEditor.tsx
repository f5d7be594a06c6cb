import React, { useMemo } from 'react';
import { DataSourcePluginOptionsEditorProps, SelectableValue } from '@grafana/data';
import { Combobox, Field, FieldSet, Input, RadioButtonGroup, SecretInput } from '@grafana/ui';

import { AuthType, CUSTOM_REGION, DEFAULT_OPTIONS, GenesysOptions, GenesysSecureOptions, REGIONS } from '../types';
import { AdvancedSettings } from './AdvancedSettings';
import { validateOptions } from './validation';

type Props = DataSourcePluginOptionsEditorProps<GenesysOptions, GenesysSecureOptions>;

const AUTH_TYPES: Array<SelectableValue<AuthType>> = [
  { value: 'clientCredentials', label: 'Client credentials' },
  { value: 'staticToken', label: 'Static token' },
];

export function ConfigEditor({ options, onOptionsChange }: Props) {
  const json = options.jsonData;
  const secure = options.secureJsonFields ?? {};
  const region = json.region || DEFAULT_OPTIONS.region;
  const authType = json.authType || DEFAULT_OPTIONS.authType;
  const errors = useMemo(() => validateOptions({ ...json, region, authType }), [json, region, authType]);

  const setJson = (patch: Partial<GenesysOptions>) => onOptionsChange({ ...options, jsonData: { ...json, ...patch } });
  const setSecret = (key: keyof GenesysSecureOptions, value: string) =>
    onOptionsChange({ ...options, secureJsonData: { ...options.secureJsonData, [key]: value } });
  const resetSecret = (key: keyof GenesysSecureOptions) =>
    onOptionsChange({
      ...options,
      secureJsonFields: { ...options.secureJsonFields, [key]: false },
      secureJsonData: { ...options.secureJsonData, [key]: '' },
    });

  return (
    <>
      <FieldSet label="Connection">
        <Field label="Region" description="The Genesys Cloud region of your organisation." htmlFor="genesys-region">
          <Combobox<string>
            id="genesys-region"
            width={60}
            options={REGIONS}
            value={region}
            onChange={(v) => setJson({ region: v.value })}
          />
        </Field>
        {region === CUSTOM_REGION && (
          <>
            <Field
              label="Base URL"
              description="Serves /api/v2/... (an API gateway, a proxy or the simulator)."
              htmlFor="genesys-base-url"
              invalid={!!errors.baseUrl}
              error={errors.baseUrl}
              required
            >
              <Input
                id="genesys-base-url"
                width={60}
                placeholder="https://api.example.com"
                value={json.baseUrl ?? ''}
                onChange={(e) => setJson({ baseUrl: e.currentTarget.value })}
              />
            </Field>
            <Field
              label="Login URL"
              description="Serves /oauth/token. Defaults to the base URL."
              htmlFor="genesys-login-url"
              invalid={!!errors.loginUrl}
              error={errors.loginUrl}
            >
              <Input
                id="genesys-login-url"
                width={60}
                placeholder={json.baseUrl || 'same as base URL'}
                value={json.loginUrl ?? ''}
                onChange={(e) => setJson({ loginUrl: e.currentTarget.value })}
              />
            </Field>
          </>
        )}
      </FieldSet>

      <FieldSet label="Authentication">
        <Field label="Authentication type">
          <RadioButtonGroup options={AUTH_TYPES} value={authType} onChange={(v) => setJson({ authType: v })} />
        </Field>
        {authType === 'clientCredentials' ? (
          <>
            <Field
              label="Client ID"
              description="OAuth client (client credentials grant) with the permissions of the topics you query."
              htmlFor="genesys-client-id"
              invalid={!!errors.clientId}
              error={errors.clientId}
              required
            >
              <Input
                id="genesys-client-id"
                width={60}
                value={json.clientId ?? ''}
                onChange={(e) => setJson({ clientId: e.currentTarget.value })}
              />
            </Field>
            <Field label="Client secret" htmlFor="genesys-client-secret" required>
              <SecretInput
                id="genesys-client-secret"
                width={60}
                isConfigured={!!secure.clientSecret}
                value={options.secureJsonData?.clientSecret ?? ''}
                onChange={(e) => setSecret('clientSecret', e.currentTarget.value)}
                onReset={() => resetSecret('clientSecret')}
              />
            </Field>
          </>
        ) : (
          <Field
            label="Static token"
            description="A bearer token used as is; queries fail once it expires."
            htmlFor="genesys-static-token"
            required
          >
            <SecretInput
              id="genesys-static-token"
              width={60}
              isConfigured={!!secure.staticToken}
              value={options.secureJsonData?.staticToken ?? ''}
              onChange={(e) => setSecret('staticToken', e.currentTarget.value)}
              onReset={() => resetSecret('staticToken')}
            />
          </Field>
        )}
      </FieldSet>

      <AdvancedSettings options={json} errors={errors} onChange={(key, value) => setJson({ [key]: value })} />
    </>
  );
}

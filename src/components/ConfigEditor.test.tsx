import React, { useState } from 'react';
import { DataSourceSettings } from '@grafana/data';
import { act, render, screen, waitFor } from '@testing-library/react';
import userEventLib from '@testing-library/user-event';

import { GenesysOptions, GenesysSecureOptions } from '../types';
import { ConfigEditor } from './ConfigEditor';

// No artificial delay between keystrokes: the tests only care about the resulting state.
const userEvent = userEventLib.setup({ delay: null });

type Settings = DataSourceSettings<GenesysOptions, GenesysSecureOptions>;

function settings(patch: Partial<Settings> = {}): Settings {
  return {
    uid: 'ds1',
    orgId: 1,
    name: 'Genesys',
    type: 'cxlive-genesyscloud-datasource',
    typeName: 'Genesys Cloud Notifications',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    withCredentials: false,
    readOnly: false,
    jsonData: {},
    secureJsonFields: {},
    ...patch,
  } as Settings;
}

// Holds the settings like Grafana's settings page does and records every change.
function renderEditor(initial: Settings) {
  const changes: Settings[] = [];
  let set: (s: Settings) => void = () => {};
  function Host() {
    const [opts, setOpts] = useState(initial);
    set = setOpts;
    return (
      <ConfigEditor
        options={opts}
        onOptionsChange={(o) => {
          changes.push(o);
          setOpts(o);
        }}
      />
    );
  }
  const view = render(<Host />);
  return { ...view, changes, last: () => changes[changes.length - 1], replace: (s: Settings) => act(() => set(s)) };
}

describe('ConfigEditor', () => {
  it('never shows a configured client secret, even one typed before saving', async () => {
    const { changes, last, replace, container } = renderEditor(settings({ jsonData: { clientId: 'cid' } }));
    await userEvent.type(screen.getByLabelText(/Client secret/), 'typed-secret-123');
    expect(last().secureJsonData?.clientSecret).toBe('typed-secret-123');
    expect(changes.length).toBeGreaterThan(0);

    // What Grafana hands back after saving: the field is marked configured, the value is gone.
    replace(settings({ jsonData: { clientId: 'cid' }, secureJsonFields: { clientSecret: true } }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Reset' })).toBeInTheDocument());
    expect(container.innerHTML).not.toContain('typed-secret-123');
    expect(screen.getByLabelText(/Client secret/)).toBeDisabled();
  });

  it('reset clears the configured secret so a new one can be typed', async () => {
    const { last } = renderEditor(
      settings({ jsonData: { clientId: 'cid' }, secureJsonFields: { clientSecret: true, staticToken: true } })
    );
    await userEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(last().secureJsonFields.clientSecret).toBe(false);
    expect(last().secureJsonFields.staticToken).toBe(true);
    expect(last().secureJsonData?.clientSecret).toBe('');
    const input = screen.getByLabelText(/Client secret/);
    expect(input).toBeEnabled();
    await userEvent.type(input, 'new');
    expect(last().secureJsonData?.clientSecret).toBe('new');
  });

  it('shows the default region and asks for a client id', () => {
    renderEditor(settings());
    expect(screen.getByLabelText(/Region/)).toHaveValue('Americas (US East) — mypurecloud.com');
    expect(screen.getByText('Enter the OAuth client id (client credentials grant).')).toBeInTheDocument();
    expect(screen.queryByLabelText(/Base URL/)).not.toBeInTheDocument();
  });

  it('picks a region by name and stores its domain', async () => {
    const { last } = renderEditor(settings({ jsonData: { clientId: 'c' } }));
    await userEvent.click(screen.getByLabelText(/Region/));
    await userEvent.click(await screen.findByRole('option', { name: /Dublin/ }));
    expect(last().jsonData.region).toBe('mypurecloud.ie');
  });

  it('custom base URL: asks for it, validates the scheme, accepts http(s)', async () => {
    const { last } = renderEditor(settings({ jsonData: { clientId: 'c' } }));
    await userEvent.click(screen.getByLabelText(/Region/));
    await userEvent.click(await screen.findByRole('option', { name: /Custom base URL/ }));
    expect(last().jsonData.region).toBe('custom');
    expect(screen.getByText(/Enter the base URL that serves \/api\/v2/)).toBeInTheDocument();

    const baseUrl = screen.getByLabelText(/Base URL/);
    await userEvent.type(baseUrl, 'ftp://sim');
    expect(screen.getByText('The base URL must start with http:// or https://.')).toBeInTheDocument();
    await userEvent.clear(baseUrl);
    await userEvent.type(baseUrl, 'http://localhost:8080');
    expect(screen.queryByText(/must start with http/)).not.toBeInTheDocument();
    expect(last().jsonData.baseUrl).toBe('http://localhost:8080');
    expect(screen.getByLabelText(/Login URL/)).toHaveAttribute('placeholder', 'http://localhost:8080');
  });

  it('static token auth hides the client credentials and keeps the token secret', async () => {
    const { last } = renderEditor(settings({ secureJsonFields: { staticToken: true } }));
    await userEvent.click(screen.getByRole('radio', { name: 'Static token' }));
    expect(last().jsonData.authType).toBe('staticToken');
    expect(screen.queryByLabelText(/Client ID/)).not.toBeInTheDocument();
    expect(screen.getByLabelText(/Static token/, { selector: 'input:not([type=radio])' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Reset' })).toBeInTheDocument();
  });

  it('advanced settings are folded away, show their defaults and validate', async () => {
    const { last } = renderEditor(settings({ jsonData: { clientId: 'c' } }));
    expect(screen.queryByLabelText(/Channel budget/)).not.toBeInTheDocument();
    await userEvent.click(screen.getByText('Advanced settings'));
    const budget = screen.getByLabelText(/Channel budget/);
    expect(budget).toHaveAttribute('placeholder', '3');
    expect(screen.getByLabelText(/History retention/)).toHaveAttribute('placeholder', '60');
    expect(screen.getByLabelText(/Reconnect backoff cap/)).toHaveAttribute('placeholder', '120');
    await userEvent.type(budget, '25');
    expect(last().jsonData.channelBudget).toBe(25);
    expect(screen.getByText('Genesys Cloud allows at most 20 channels per OAuth client.')).toBeInTheDocument();
    await userEvent.clear(budget);
    expect(last().jsonData.channelBudget).toBeUndefined();
    await userEvent.type(screen.getByLabelText(/Reconnect backoff base/), '10');
    await userEvent.type(screen.getByLabelText(/Reconnect backoff cap/), '5');
    expect(screen.getByText('The backoff cap must be at least the backoff base.')).toBeInTheDocument();
  });
});

import React from 'react';
import { render, screen } from '@testing-library/react';
import userEventLib from '@testing-library/user-event';

import type { DataSource } from '../datasource';
import { GenesysVariableQuery } from '../types';
import { VariableQueryEditor } from './VariableQueryEditor';

const userEvent = userEventLib.setup({ delay: null });

function renderEditor(query?: GenesysVariableQuery) {
  const onChange = jest.fn();
  render(
    <VariableQueryEditor
      datasource={{} as DataSource}
      query={query as GenesysVariableQuery}
      onChange={onChange}
      onRunQuery={jest.fn()}
    />
  );
  return onChange;
}

describe('VariableQueryEditor', () => {
  it('defaults to queues and saves the name filter on blur', async () => {
    const onChange = renderEditor();
    expect(screen.getByRole('radio', { name: 'Queues' })).toBeChecked();
    await userEvent.type(screen.getByLabelText(/Name filter/), 'Sup');
    expect(onChange).not.toHaveBeenCalled();
    await userEvent.tab();
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'variable', kind: 'queues', query: 'Sup' });
  });

  it('switches to users or topics; topics take no filter', async () => {
    const onChange = renderEditor({ refId: 'v', kind: 'queues', query: 'x' });
    await userEvent.click(screen.getByRole('radio', { name: 'Users' }));
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'v', kind: 'users', query: 'x' });
    await userEvent.click(screen.getByRole('radio', { name: 'Topics' }));
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'v', kind: 'topics', query: 'x' });
  });

  it('hides the filter for a topics variable', () => {
    renderEditor({ refId: 'v', kind: 'topics' });
    expect(screen.queryByLabelText(/Name filter/)).not.toBeInTheDocument();
  });
});

import { useCallback } from 'react';
import { useIntl } from 'react-intl';
import { getTranslation } from './getTranslation';

type Values = Record<string, string | number>;

/**
 * `t(id, defaultMessage, values)` — every id is listed in translations/en.json (a unit test
 * checks that the two agree), the default keeps the code readable.
 */
export function useT() {
  const { formatMessage } = useIntl();
  return useCallback(
    (id: string, defaultMessage: string, values?: Values): string =>
      formatMessage({ id: getTranslation(id), defaultMessage }, values),
    [formatMessage]
  );
}
export type T = ReturnType<typeof useT>;
